import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Headless Chromium from Debian's packages (scripts/chromium.sh installs it with apt-get when
 * missing; no browser download), driven by playwright-core.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = execFileSync(join(__dirname, '../../scripts/chromium.sh'), {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 15 * 60_000,
  }).trim();
  // As root Chromium refuses its sandbox; the pages it opens are our own, on 127.0.0.1.
  return chromium.launch({ executablePath, headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
}

/**
 * Every Content-Security-Policy violation, script error and failed response of a page (by
 * URL; the favicon Chromium asks every page for is not one of ours), for assertions.
 */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    // A failed response is reported below, with its URL.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400 && new URL(response.url()).pathname !== '/favicon.ico')
      problems.push(`${response.status()} ${new URL(response.url()).pathname}`);
  });
  return problems;
}
