import { page, READ_TOKEN } from './page';

/** `/auth/verify-email#token=...`: the page the verification email links to. */
export const VERIFY_EMAIL_PAGE = page({
  title: 'Verify your email',
  body: `<main id="page" data-state="working">
<h1 id="title">Verifying your email…</h1>
<p id="detail" role="status" aria-live="polite">One moment.</p>
</main>`,
  script: `(function () {
${READ_TOKEN}
  if (!token) {
    show('failed', 'This link is incomplete', 'It carries no verification token. Open the link from the email again, or copy all of it.');
    return;
  }
  post('/v1/auth/verify-email', { token: token }).then(function (answer) {
    if (answer.ok) show('done', 'Email verified', 'Your account is active: you can sign in now.');
    else if (answer.problem && answer.problem.code === 'TOKEN_INVALID')
      show('failed', 'This link no longer works', 'It is invalid, expired or was already used. Ask for a new one (POST /v1/auth/verify-email/resend), or sign in if you verified already.');
    else show('failed', 'Verification failed', failure(answer));
  }, function () { show('failed', 'Verification failed', unreachable); });
})();`,
});
