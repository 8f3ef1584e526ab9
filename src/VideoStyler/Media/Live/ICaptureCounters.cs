namespace VideoStyler.Media;

/// <summary>What <see cref="LiveCapture"/> counts: the live runner's statistics implement it.</summary>
internal interface ICaptureCounters
{
    /// <summary>A frame came from the source.</summary>
    void CountIn();

    /// <summary>A frame came too late to be shown (a paced file fell behind).</summary>
    void CountDroppedCapture();

    /// <summary>The source was lost.</summary>
    void CountSourceLost();

    /// <summary>A reconnect was tried.</summary>
    void CountReconnectAttempt();

    /// <summary>The source came back.</summary>
    void CountReconnect();
}
