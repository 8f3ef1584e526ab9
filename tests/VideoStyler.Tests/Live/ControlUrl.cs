using System.Text.RegularExpressions;

namespace VideoStyler.Tests.Live;

/// <summary>The control page's address as a live run prints it in its startup line ("; control: http://HOST:PORT/"), so a run can bind port 0.</summary>
internal static partial class ControlUrl
{
    /// <summary>Waits for the startup line of <paramref name="live"/>; fails if the run ends first or prints none in time.</summary>
    public static async Task<Uri> WaitAsync(BackgroundProcess live, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            var match = Printed().Match(live.Output());
            if (match.Success)
            {
                return new Uri(match.Groups["url"].Value);
            }

            Assert.False(live.HasExited, "live ended before it printed the control address:\n" + live.Output());
            await Task.Delay(100);
        }

        Assert.Fail($"live printed no control address within {timeout}:\n{live.Output()}");
        return null!;
    }

    [GeneratedRegex(@"; control: (?<url>http://\S+/)", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Printed();
}
