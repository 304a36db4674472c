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

/** Every Content-Security-Policy violation and script error a page reports, for assertions. */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return problems;
}
