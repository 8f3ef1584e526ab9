using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace VideoStyler.Models;

/// <summary>
/// Downloads a catalogued model into a folder: into NAME.onnx.part first, resuming a partial download
/// with an HTTP Range request, then checks the SHA-256 and only then renames it to NAME.onnx (and
/// writes its manifest). A mismatch deletes the download and fails; nothing half-done gets the name.
/// </summary>
internal sealed class ModelDownloader
{
    private readonly HttpClient _http;

    public ModelDownloader(HttpClient http)
    {
        _http = http;
    }

    /// <summary>Bytes taken from an earlier partial download by the last call (0 = fresh).</summary>
    public long ResumedFrom { get; private set; }

    public async Task<string> PullAsync(CatalogEntry entry, string folder, Action<long, long?>? progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var final = Path.Combine(folder, entry.Name + ".onnx");
        var part = final + ".part";
        ResumedFrom = File.Exists(part) ? new FileInfo(part).Length : 0;

        using var request = new HttpRequestMessage(HttpMethod.Get, entry.Url);
        if (ResumedFrom > 0)
        {
            request.Headers.Range = new RangeHeaderValue(ResumedFrom, null);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            // Only say a .part file is kept when there is one.
            var kept = File.Exists(part) && new FileInfo(part).Length > 0 ? " (the .part file is kept; run again to resume)" : "";
            throw new UserFacingException($"cannot download {entry.Name} from {entry.Url}: {ex.Message}{kept}");
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                // The .part is already complete (or bigger than the file): verify it as it is.
                response.Dispose();
            }
            else
            {
                if (!response.IsSuccessStatusCode)
                {
                    throw new UserFacingException($"cannot download {entry.Name}: {entry.Url} answered {(int)response.StatusCode} {response.ReasonPhrase}");
                }

                var append = ResumedFrom > 0 && response.StatusCode == HttpStatusCode.PartialContent;
                if (!append)
                {
                    ResumedFrom = 0; // the server ignored the range: start over
                }

                var total = response.Content.Headers.ContentLength is { } length ? length + ResumedFrom : (long?)null;
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                await using var file = new FileStream(part, append ? FileMode.Append : FileMode.Create, FileAccess.Write);
                var buffer = new byte[81920];
                var done = ResumedFrom;
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    done += read;
                    progress?.Invoke(done, total);
                }
            }
        }

        string actual;
        await using (var check = File.OpenRead(part))
        {
            actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(check, cancellationToken));
        }

        if (!string.Equals(actual, entry.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            File.Delete(part);
            throw new UserFacingException($"download of {entry.Name} is corrupt or not the catalogued file: sha256 {actual}, expected {entry.Sha256}; deleted it");
        }

        File.Move(part, final, overwrite: true);
        if (entry.Manifest is { } manifest)
        {
            await File.WriteAllTextAsync(Path.ChangeExtension(final, ".json"), (manifest with { Name = entry.Name }).ToJson() + "\n", cancellationToken);
        }

        return final;
    }
}
