import { Controller, Get, Header, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Public } from '@platform/auth/decorators';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { ValidQuery } from '@platform/http/zod-request';
import type { Page } from './pages/page';
import { RESET_PASSWORD_PAGE } from './pages/reset-password.page';
import { VERIFY_EMAIL_PAGE } from './pages/verify-email.page';

/**
 * The token travels in the fragment (`#token=...`), which browsers never send: a query
 * parameter would put it in every access log on the way, so none is taken.
 */
const NoQuery = z.strictObject({});

const HTML = { description: 'The page (HTML with its own script, allowed by hash in Content-Security-Policy)', schema: { type: 'string' } } as const;

/**
 * The two pages identity's emails link to, so a browser finishes what the email starts
 * with nothing else deployed: `<base>/auth/verify-email#token=...` and
 * `<base>/auth/reset-password#token=...`. Each page's script reads the token from the
 * fragment and posts it to the public JSON API (POST /v1/auth/verify-email, POST
 * /v1/auth/password-reset/confirm). Public (no access token), self-contained (no external
 * resource), under a strict CSP. A bank's own web app may host the same links instead.
 */
@ApiTags('auth')
@Public()
@Controller({ path: 'auth', version: VERSION_NEUTRAL })
export class PagesHttpController {
  @Get('verify-email')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @Header('content-security-policy', VERIFY_EMAIL_PAGE.csp)
  @ApiOperation({
    operationId: 'verifyEmailPage',
    summary: 'The page the verification email links to (`#token=...`): it posts the token to POST /v1/auth/verify-email',
  })
  @ApiProduces('text/html')
  @ApiOkResponse(HTML)
  @ApiProblems(400)
  verifyEmail(@ValidQuery(NoQuery) _query: z.output<typeof NoQuery>): string {
    return html(VERIFY_EMAIL_PAGE);
  }

  @Get('reset-password')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @Header('content-security-policy', RESET_PASSWORD_PAGE.csp)
  @ApiOperation({
    operationId: 'resetPasswordPage',
    summary: 'The page the password-reset email links to (`#token=...`): a form that posts to POST /v1/auth/password-reset/confirm',
  })
  @ApiProduces('text/html')
  @ApiOkResponse(HTML)
  @ApiProblems(400)
  resetPassword(@ValidQuery(NoQuery) _query: z.output<typeof NoQuery>): string {
    return html(RESET_PASSWORD_PAGE);
  }
}

const html = (p: Page) => p.html;
