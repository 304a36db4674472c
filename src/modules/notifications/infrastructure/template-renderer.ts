import { Injectable } from '@nestjs/common';
import { Liquid } from 'liquidjs';
import { formatAmount } from '../domain/amount-format';
import type { TemplateText } from '../templates/builtin-templates';

/** Why a message could not be rendered: a code for its timeline and error event (never content). */
export class RenderFailure extends Error {
  constructor(
    readonly code: 'TEMPLATE_NOT_FOUND' | 'TEMPLATE_RENDER_FAILED' | 'TEMPLATE_RENDERED_EMPTY' | 'SMS_TOO_LONG',
    message: string,
  ) {
    super(message);
    this.name = 'RenderFailure';
  }
}

export interface RenderScope {
  readonly locale: string;
  readonly timeZone: string;
  readonly [variable: string]: string | null;
}

export interface Rendered {
  readonly subject?: string;
  readonly html?: string;
  readonly text: string;
}

/** What liquidjs binds `this` to in a filter: the render's context, whose environments are the scope passed in. */
interface FilterImpl {
  readonly context: { readonly environments: unknown };
}

function scopeOf(impl: FilterImpl): RenderScope {
  return impl.context.environments as RenderScope;
}

function configure(engine: Liquid): Liquid {
  engine.registerFilter('money', function (this: FilterImpl, minorUnits: unknown, currency: unknown) {
    if (typeof minorUnits !== 'string' || typeof currency !== 'string') throw new Error('money needs minor units and a currency code');
    return formatAmount(minorUnits, currency, scopeOf(this).locale);
  });
  engine.registerFilter('datetime', function (this: FilterImpl, value: unknown, style: unknown = 'datetime') {
    const at = new Date(String(value));
    if (Number.isNaN(at.getTime())) throw new Error('datetime needs an ISO 8601 timestamp');
    const { locale, timeZone } = scopeOf(this);
    const options: Intl.DateTimeFormatOptions = style === 'date' ? { dateStyle: 'medium', timeZone } : { dateStyle: 'medium', timeStyle: 'short', timeZone };
    return new Intl.DateTimeFormat(locale, options).format(at);
  });
  return engine;
}

/**
 * Liquid, strict: an unknown variable or filter, a syntax error or a filter that throws (an
 * amount that is not minor units) fails the render. The HTML part escapes every output, the
 * text parts do not (they are not markup). Compiled templates are cached by their source.
 */
@Injectable()
export class TemplateRenderer {
  private readonly html = configure(new Liquid({ strictVariables: true, strictFilters: true, outputEscape: 'escape', cache: 500 }));
  private readonly text = configure(new Liquid({ strictVariables: true, strictFilters: true, cache: 500 }));

  private async renderWith(engine: Liquid, source: string, scope: RenderScope): Promise<string> {
    const output: unknown = await engine.parseAndRender(source, scope);
    return String(output);
  }

  async render(template: TemplateText, scope: RenderScope, options: { smsMaxLength?: number } = {}): Promise<Rendered> {
    let rendered: Rendered;
    try {
      rendered = {
        ...(template.subject !== undefined ? { subject: (await this.renderWith(this.text, template.subject, scope)).trim() } : {}),
        ...(template.html !== undefined ? { html: await this.renderWith(this.html, template.html, scope) } : {}),
        text: (await this.renderWith(this.text, template.text, scope)).trim(),
      };
    } catch (error) {
      throw new RenderFailure('TEMPLATE_RENDER_FAILED', error instanceof Error ? error.message : 'render failed');
    }
    if (!rendered.text || rendered.subject === '') throw new RenderFailure('TEMPLATE_RENDERED_EMPTY', 'the template rendered an empty part');
    if (options.smsMaxLength !== undefined && [...rendered.text].length > options.smsMaxLength)
      throw new RenderFailure('SMS_TOO_LONG', `the SMS has ${[...rendered.text].length} characters, more than ${options.smsMaxLength}`);
    return rendered;
  }
}
