using System.Security.Cryptography;

namespace VideoStyler.ScaleOut;

/// <summary>
/// What identifies the input of a job cheaply on any worker: its size and the SHA-256 of its first MiB
/// (hashing hours of footage on every worker would cost more than a segment). A changed file is refused.
/// </summary>
internal sealed record InputIdentity(long Size, string Sha256FirstMb)
{
    private const int HashedBytes = 1 << 20;

    public static InputIdentity Of(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var buffer = new byte[(int)Math.Min(HashedBytes, stream.Length)];
            stream.ReadExactly(buffer);
            return new InputIdentity(stream.Length, Convert.ToHexStringLower(SHA256.HashData(buffer)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserFacingException($"cannot read input {path}: {ex.Message}");
        }
    }

    public override string ToString() => $"{Size} bytes, sha256 of the first MiB {Sha256FirstMb[..12]}";
}
