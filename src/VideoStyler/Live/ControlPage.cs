using System.Net;
using System.Text;
using System.Globalization;
using VideoStyler.Styles;

namespace VideoStyler.Live;

/// <summary>
/// The control web page: the styles with their thumbnails, palettes and tags (click to switch), the live
/// MJPEG preview and the controls. Names, tags and colours are HTML-encoded text and data attributes only;
/// the page's one script (with the nonce of the page's Content-Security-Policy) attaches the handlers and
/// paints the swatches, so no data is ever inside script or an inline style.
/// </summary>
internal static class ControlPage
{
    /// <summary>The page: every style (pictures with their thumbnail and palette swatches, networks), the preview and the controls.</summary>
    public static string Render(IReadOnlyList<StyleEntry> styles, string current, string nonce)
    {
        var rows = new StringBuilder();
        foreach (var style in styles.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            var name = WebUtility.HtmlEncode(style.Name);
            var title = WebUtility.HtmlEncode(style.Title ?? style.Name);
            var tags = string.Join(' ', style.Tags.OrderBy(t => t.Key, StringComparer.Ordinal)
                .Select(t => $"<span class=\"tag\">{WebUtility.HtmlEncode(t.Key)}={WebUtility.HtmlEncode(t.Value)}</span>"));
            var swatches = string.Concat(style.Palette.Select(c =>
                $"<span class=\"swatch\" data-hex=\"{WebUtility.HtmlEncode(c.Hex)}\" data-share=\"{Math.Max(1, (int)Math.Round(c.Share * 100)).ToString(CultureInfo.InvariantCulture)}\" title=\"{WebUtility.HtmlEncode(c.Hex)} {(c.Share * 100).ToString("0", CultureInfo.InvariantCulture)}%\"></span>"));
            var thumb = style.ThumbnailPath is not null && File.Exists(style.ThumbnailPath)
                ? $"<img class=\"thumb\" alt=\"{title}\" src=\"thumb/{Uri.EscapeDataString(style.Name)}\">"
                : $"<span class=\"thumb none\">{(style.Kind == StyleKind.Network ? "network" : "picture")}</span>";
            var active = style.Name == current ? " active" : "";
            rows.Append(
                CultureInfo.InvariantCulture,
                $"""
                    <li class="style{active}" data-style="{name}" data-kind="{(style.Kind == StyleKind.Picture ? "picture" : "network")}">{thumb}<div><button type="button">{title}</button> <code>{name}</code><div class="palette">{swatches}</div>{tags}</div></li>

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
          ul { list-style: none; padding: 0; max-width: 560px; }
          li.style { margin: .4em 0; display: flex; gap: .6em; align-items: flex-start; cursor: pointer; }
          li.active button { background: #2a6; color: #fff; }
          li.active .thumb { outline: 3px solid #2a6; }
          .thumb { width: 96px; height: 72px; object-fit: cover; flex: none; background: #222; }
          .thumb.none { display: inline-flex; align-items: center; justify-content: center; font-size: .8em; color: #888; }
          .palette { display: flex; width: 160px; height: 10px; margin: .25em 0; }
          .swatch { display: block; height: 10px; }
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
            <form id="upload">
              <input id="upload-file" type="file" accept="image/*">
              <input id="upload-name" type="text" placeholder="name" pattern="[A-Za-z0-9_-]+">
              <button type="submit">add as a style</button>
            </form>
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
          async function upload(event) {
            event.preventDefault();
            const file = document.getElementById('upload-file').files[0];
            const name = document.getElementById('upload-name').value.trim();
            if (!file || !name) { alert('choose a picture and give it a name'); return; }
            const r = await fetch(withToken('styles/upload') + (token ? '&' : '?') + 'name=' + encodeURIComponent(name),
              { method: 'POST', body: file, headers: { 'Content-Type': file.type || 'application/octet-stream' } });
            const j = await r.json().catch(() => ({ error: 'HTTP ' + r.status }));
            if (j.error) { alert(j.error); return; }
            location.reload();
          }
          for (const li of document.querySelectorAll('li.style')) {
            li.addEventListener('click', () => post('style', li.dataset.style));
          }
          for (const sw of document.querySelectorAll('span.swatch')) {
            sw.style.background = sw.dataset.hex;
            sw.style.flexGrow = sw.dataset.share;
          }
          const strength = document.getElementById('strength');
          strength.addEventListener('change', () => post('strength', strength.value));
          const temporal = document.getElementById('temporal');
          temporal.addEventListener('change', () => post('temporal', temporal.checked));
          document.getElementById('pause').addEventListener('click', () => post('pause', ''));
          document.getElementById('upload').addEventListener('submit', upload);
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
