import { MIN_PASSWORD_LENGTH } from '@modules/identity/domain/password-policy';
import { page, READ_TOKEN } from './page';

/** `/auth/reset-password#token=...`: the page the password-reset email links to. */
export const RESET_PASSWORD_PAGE = page({
  title: 'Choose a new password',
  body: `<main id="page" data-state="ready">
<h1 id="title">Choose a new password</h1>
<p id="detail" role="status" aria-live="polite">At least ${MIN_PASSWORD_LENGTH} characters; not one that is common or already leaked.</p>
<form id="reset" novalidate>
<label>New password <input id="password" name="password" type="password" autocomplete="new-password" minlength="${MIN_PASSWORD_LENGTH}" required></label>
<label>The same again <input id="confirm" name="confirm" type="password" autocomplete="new-password" required></label>
<button id="submit" type="submit">Set the new password</button>
</form>
</main>`,
  script: `(function () {
${READ_TOKEN}
  var form = document.getElementById('reset');
  var button = document.getElementById('submit');
  if (!token) {
    form.hidden = true;
    show('failed', 'This link is incomplete', 'It carries no reset token. Open the link from the email again, or ask for a new one.');
    return;
  }
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var password = document.getElementById('password').value;
    if (password !== document.getElementById('confirm').value) {
      show('ready', 'Choose a new password', 'The two passwords differ.');
      return;
    }
    button.disabled = true;
    post('/v1/auth/password-reset/confirm', { token: token, newPassword: password }).then(function (answer) {
      button.disabled = false;
      if (answer.ok) {
        form.hidden = true;
        show('done', 'Password changed', 'Sign in with the new password. Every session was signed out.');
      } else if (answer.problem && answer.problem.code === 'TOKEN_INVALID') {
        form.hidden = true;
        show('failed', 'This link no longer works', 'It is invalid, expired or was already used. Ask for a new one.');
      } else if (answer.problem && answer.problem.errors && answer.problem.errors.length) {
        show('ready', 'Choose another password', answer.problem.errors.map(function (e) { return e.message; }).join(' '));
      } else {
        show('failed', 'The password was not changed', failure(answer));
      }
    }, function () {
      button.disabled = false;
      show('failed', 'The password was not changed', unreachable);
    });
  });
})();`,
});
