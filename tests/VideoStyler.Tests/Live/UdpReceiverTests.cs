using System.Net;
using System.Net.Sockets;
using VideoStyler.Tests.Support;

namespace VideoStyler.Tests.Live;

/// <summary>The test's UDP receiver keeps every byte in order and stamps each datagram with the time it arrived.</summary>
public class UdpReceiverTests
{
    [Fact]
    public async Task Datagrams_are_kept_in_order_with_their_arrival_times()
    {
        using var temp = new TempFolder();
        using var receiver = new UdpReceiver(temp.File("received.bin"));
        using var sender = new UdpClient(AddressFamily.InterNetwork);
        var target = new IPEndPoint(IPAddress.Loopback, receiver.Port);
        var sent = new List<(double Before, double After)>();
        var bytes = new List<byte>();
        for (var i = 0; i < 3; i++)
        {
            var datagram = Enumerable.Range(0, 100 + i).Select(b => (byte)(b + i)).ToArray();
            var before = Now();
            await sender.SendAsync(datagram, target);
            sent.Add((before, Now()));
            bytes.AddRange(datagram);
            await Task.Delay(300); // the spacing under test, not a wait for something
        }

        await receiver.StopAsync();

        Assert.Equal(bytes, await File.ReadAllBytesAsync(receiver.Path));
        var arrivals = receiver.DatagramArrivals();
        Assert.Equal(3, arrivals.Count);
        for (var i = 0; i < 3; i++)
        {
            // Stamped when it came (on loopback: while it was sent), not when the receiving thread got to it.
            Assert.InRange(arrivals[i], sent[i].Before - 0.002, sent[i].After + 0.05);
        }

        Assert.True(receiver.KernelStamps, "the arrival times are the receiving thread's, not the kernel's");
    }

    private static double Now() => (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).TotalSeconds;
}
