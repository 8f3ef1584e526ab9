using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VideoStyler.Tests.Support;

/// <summary>
/// A small Chrome DevTools Protocol client for one page target: JSON-RPC over a WebSocket ({id, method,
/// params} answered by {id, result} or {id, error}). JavaScript dialogs (alert) are recorded and accepted so a
/// page that reports an error cannot block the test.
/// </summary>
internal sealed class DevToolsClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _dialogs = new();
    private Task _receiving = Task.CompletedTask;
    private int _nextId;

    private DevToolsClient()
    {
    }

    /// <summary>Messages of the JavaScript dialogs the page opened so far.</summary>
    public IReadOnlyCollection<string> Dialogs => _dialogs;

    /// <summary>Connects to a target's webSocketDebuggerUrl.</summary>
    public static async Task<DevToolsClient> ConnectAsync(Uri webSocketUrl, TimeSpan timeout)
    {
        var client = new DevToolsClient();
        using var cts = new CancellationTokenSource(timeout);
        await client._socket.ConnectAsync(webSocketUrl, cts.Token);
        client._receiving = Task.Run(client.ReceiveLoopAsync);
        return client;
    }

    /// <summary>Sends one command and returns its result; a protocol error or no answer in time throws.</summary>
    public async Task<JsonElement> SendAsync(string method, object? parameters = null, TimeSpan? timeout = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        var message = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["id"] = id,
            ["method"] = method,
            ["params"] = JsonSerializer.SerializeToNode(parameters ?? new { }),
        });
        await _sendLock.WaitAsync();
        try
        {
            await _socket.SendAsync(message, WebSocketMessageType.Text, true, _stop.Token);
        }
        finally
        {
            _sendLock.Release();
        }

        try
        {
            return await answer.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(15));
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"DevTools {method} got no answer (dialogs: {string.Join(" | ", _dialogs)})", ex);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Evaluates a JavaScript expression in the page and returns its value; an exception in the page throws.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new { expression, returnByValue = true, awaitPromise = true });
        if (result.TryGetProperty("exceptionDetails", out var exception))
        {
            throw new InvalidOperationException($"{expression} threw: {exception}");
        }

        var value = result.GetProperty("result");
        return value.TryGetProperty("value", out var v) ? v.Clone() : default;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _receiving;
        }
        catch (OperationCanceledException)
        {
        }

        _socket.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var part = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (part.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, part.Count);
                if (!part.EndOfMessage)
                {
                    continue;
                }

                var text = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
                message.SetLength(0);
                Handle(JsonDocument.Parse(text).RootElement.Clone());
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }

        foreach (var waiting in _pending.Values)
        {
            waiting.TrySetException(new InvalidOperationException("the DevTools connection closed"));
        }
    }

    private void Handle(JsonElement message)
    {
        if (message.TryGetProperty("id", out var id))
        {
            if (_pending.TryGetValue(id.GetInt32(), out var answer))
            {
                if (message.TryGetProperty("error", out var error))
                {
                    answer.TrySetException(new InvalidOperationException($"DevTools error: {error}"));
                }
                else
                {
                    answer.TrySetResult(message.GetProperty("result"));
                }
            }

            return;
        }

        if (message.GetProperty("method").GetString() == "Page.javascriptDialogOpening")
        {
            _dialogs.Enqueue(message.GetProperty("params").GetProperty("message").GetString() ?? "");
            // Answered from the receive loop: the reply must not wait here, so send it without awaiting the answer.
            _ = SendAsync("Page.handleJavaScriptDialog", new { accept = true });
        }
    }
}
