import { RenderFailure, TemplateRenderer } from './template-renderer';

describe('TemplateRenderer', () => {
  const renderer = new TemplateRenderer();
  const scope = { locale: 'de', timeZone: 'Europe/Berlin', name: 'Anna <b>', balance: '123456', currency: 'EUR', asOf: '2026-01-15T23:30:00Z' };

  it('renders the HTML part escaped and the text part as is, with money and dates in the user’s locale and zone', async () => {
    const out = await renderer.render(
      {
        subject: 'Hallo {{ name }}',
        html: '<p>{{ name }}: {{ balance | money: currency }}</p>',
        text: '{{ name }}: {{ balance | money: currency }} ({{ asOf | datetime: "date" }})',
      },
      scope,
    );
    expect(out.subject).toBe('Hallo Anna <b>');
    expect(out.html).toBe('<p>Anna &lt;b&gt;: 1.234,56 EUR</p>');
    expect(out.text).toBe('Anna <b>: 1.234,56 EUR (16.01.2026)');
  });

  it('fails, never renders blank, on an unknown variable or filter, bad syntax, a bad amount, empty output or a long SMS', async () => {
    const fails = (text: string, code: string, options = {}) => expect(renderer.render({ text }, scope, options)).rejects.toMatchObject({ code });
    await fails('{{ missing }}', 'TEMPLATE_RENDER_FAILED');
    await fails('{{ name | shout }}', 'TEMPLATE_RENDER_FAILED');
    await fails('{% if name %}', 'TEMPLATE_RENDER_FAILED');
    await fails('{{ name | money: currency }}', 'TEMPLATE_RENDER_FAILED');
    await fails('{% if false %}x{% endif %}  ', 'TEMPLATE_RENDERED_EMPTY');
    await fails('{{ name }} '.repeat(20), 'SMS_TOO_LONG', { smsMaxLength: 70 });
    await expect(renderer.render({ text: '{{ nope }}' }, scope)).rejects.toBeInstanceOf(RenderFailure);
  });
});
