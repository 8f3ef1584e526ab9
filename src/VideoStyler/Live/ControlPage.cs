using System.Net;
using System.Text;
using VideoStyler.Models;

namespace VideoStyler.Live;

/// <summary>
/// The control web page: the styles with their tags (click to switch), the live MJPEG preview and the
/// controls. Names and tags are HTML-encoded text and data attributes only; the page's one script (with
/// the nonce of the page's Content-Security-Policy) attaches the handlers, so no data is ever inside script.
/// </summary>
public static class ControlPage
{
    public static string Render(IReadOnlyList<(ModelManifest Manifest, string Origin)> styles, string current, string nonce)
    {
        var rows = new StringBuilder();
        foreach (var (manifest, _) in styles.OrderBy(s => s.Manifest.Name, StringComparer.Ordinal))
        {
            var name = WebUtility.HtmlEncode(manifest.Name);
            var title = WebUtility.HtmlEncode(manifest.Title ?? manifest.Name);
            var tags = string.Join(' ', manifest.Tags.OrderBy(t => t.Key, StringComparer.Ordinal)
                .Select(t => $"<span class=\"tag\">{WebUtility.HtmlEncode(t.Key)}={WebUtility.HtmlEncode(t.Value)}</span>"));
            var active = manifest.Name == current ? " active" : "";
            rows.Append(
                $"""
                    <li class="style{active}" data-style="{name}"><button type="button">{title}</button> <code>{name}</code> {tags}</li>

                """);
        }

        return Template
            .Replace("{{NONCE}}", WebUtility.HtmlEncode(nonce), StringComparison.Ordinal)
            .Replace("{{CURRENT}}", WebUtility.HtmlEncode(current), StringComparison.Ordinal)
            .Replace("{{STYLES}}", rows.ToString(), StringComparison.Ordinal);
    }

    private const string Template = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>VideoStyler live</title>
        <style nonce="{{NONCE}}">
          body { font-family: sans-serif; margin: 1em; background: #111; color: #eee; }
          main { display: flex; gap: 1.5em; flex-wrap: wrap; }
          img#preview { max-width: 640px; width: 100%; background: #000; border: 1px solid #444; }
          ul { list-style: none; padding: 0; }
          li.style { margin: .3em 0; }
          li.active button { background: #2a6; color: #fff; }
          .tag { font-size: .8em; background: #333; border-radius: 3px; padding: 0 .3em; margin-right: .2em; }
          pre { background: #222; padding: .5em; font-size: .8em; }
        </style>
        </head>
        <body>
        <h1>VideoStyler live</h1>
        <main>
          <section>
            <img id="preview" alt="live preview" src="preview.mjpg">
            <p>
              <label>strength <input id="strength" type="range" min="0" max="1" step="0.05" value="1"></label>
              <label><input id="temporal" type="checkbox" checked> propagation</label>
              <button id="pause" type="button">pause / resume</button>
            </p>
            <pre id="status">style: {{CURRENT}}</pre>
          </section>
          <section>
            <h2>Styles</h2>
            <ul id="styles">
        {{STYLES}}    </ul>
          </section>
        </main>
        <script nonce="{{NONCE}}">
          const token = new URLSearchParams(location.search).get('token');
          const withToken = p => token ? p + '?token=' + encodeURIComponent(token) : p;
          if (token) { document.getElementById('preview').src = withToken('preview.mjpg'); }
          // JSON: a content type that needs a CORS preflight, so only this page's origin can send it.
          async function post(what, value) {
            const r = await fetch(withToken(what), {
              method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ value: value }) });
            const j = await r.json().catch(() => ({ error: 'HTTP ' + r.status }));
            if (j.error) { alert(j.error); }
            refresh();
          }
          for (const li of document.querySelectorAll('li.style')) {
            li.querySelector('button').addEventListener('click', () => post('style', li.dataset.style));
          }
          const strength = document.getElementById('strength');
          strength.addEventListener('change', () => post('strength', strength.value));
          const temporal = document.getElementById('temporal');
          temporal.addEventListener('change', () => post('temporal', temporal.checked));
          document.getElementById('pause').addEventListener('click', () => post('pause', ''));
          async function refresh() {
            try {
              const s = await (await fetch(withToken('status'))).json();
              document.getElementById('status').textContent =
                `style: ${s.style}${s.loading_style ? ' (loading ' + s.loading_style + ')' : ''}${s.paused ? ' [paused]' : ''}\n` +
                `output ${s.output_fps} fps, latency p50 ${s.latency_ms_p50} ms, p95 ${s.latency_ms_p95} ms\n` +
                `out ${s.frames_out}, stylized ${s.frames_stylized}, propagated ${s.frames_propagated}, dropped ${s.frames_dropped}`;
              for (const li of document.querySelectorAll('li.style')) {
                li.classList.toggle('active', li.dataset.style === s.style);
              }
            } catch (e) { }
          }
          refresh();
          setInterval(refresh, 1000);
        </script>
        </body>
        </html>
        """;
}
