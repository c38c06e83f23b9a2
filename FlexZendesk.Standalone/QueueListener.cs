using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using FlexZendesk.Core.Queues;
using FlexZendesk.Core.Storage;
using FlexZendesk.Core;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Standalone;

/// <summary>
/// Feeds every queue-triggered function with the trigger's semantics, its numbers from host.json
/// (<see cref="QueueTriggerOptions"/>): messages in parallel, a new batch once in-flight work falls to
/// <c>newBatchThreshold</c>, polls backing off to <c>maxPollingInterval</c> while empty; a function that returns
/// completes its message, one that throws makes it visible again after <c>visibilityTimeout</c>, and after
/// <c>maxDequeueCount</c> deliveries the message moves, as it was, to <c>&lt;queue&gt;-poison</c>. Shutdown lets
/// in-flight messages finish. <c>Queues:Listen=false</c> turns it off (another instance, or the host, listens);
/// <c>AzureWebJobs.&lt;FunctionName&gt;.Disabled</c> turns one function off (<see cref="FunctionSwitch"/>).
/// </summary>
public sealed partial class QueueListener(
    IServiceProvider services,
    StorageClients storage,
    EnqueueSignal enqueued,
    IConfiguration configuration,
    IOptions<QueueTriggerOptions> options,
    IOptions<ListenerOptions> listener,
    ILogger<QueueListener> logger) : BackgroundService
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>Receive as soon as this process enqueued, rather than at the end of the polling back-off (<c>Queues:WakeOnEnqueue</c>).</summary>
    private bool WakeOnEnqueue => listener.Value.WakeOnEnqueue;

    /// <summary>How long a received message stays invisible before its lease is renewed or, if this process died, it comes back.</summary>
    private TimeSpan Lease => listener.Value.Lease;

    /// <summary>Checks every queue function can be served before the app reports started.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var function in FunctionCatalog.Queues)
        {
            FunctionInvoker.EnsureBindable(function.Name, function.Method, p =>
                p.ParameterType == typeof(QueueMessage) || p.ParameterType == typeof(string) || p.ParameterType == typeof(BinaryData) || p.ParameterType == typeof(CancellationToken));
            _ = QueueName(function, configuration);
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!listener.Value.Listen)
        {
            return;
        }

        // A disabled function's messages stay on its queue until it is enabled again, as under the host.
        var enabled = FunctionCatalog.Queues.Where(f => !FunctionSwitch.IsDisabled(configuration, f.Name)).ToList();
        foreach (var disabled in FunctionCatalog.Queues.Except(enabled))
        {
            LogDisabled(logger, disabled.Name);
        }

        await Task.WhenAll(enabled.Select(function => ListenAsync(function, stoppingToken)));
    }

    /// <summary>The queue a trigger names, <c>%setting%</c> resolved from configuration as the host resolves it.</summary>
    public static string QueueName(QueueFunction function, IConfiguration configuration)
    {
        var name = function.Trigger.QueueName;
        return name.Length > 2 && name[0] == '%' && name[^1] == '%'
            ? configuration[name[1..^1]] is { Length: > 0 } value ? value : throw new InvalidOperationException($"Function {function.Name}: setting {name[1..^1]} (its queue name) is not set.")
            : name;
    }

    private async Task ListenAsync(QueueFunction function, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var queue = Client(function, QueueName(function, configuration));
        var poison = Client(function, queue.Name + "-poison");
        var threshold = settings.NewBatchThreshold ?? Math.Max(1, settings.BatchSize / 2);
        var inFlight = new List<Task>();
        var idle = FirstPoll;
        var wake = WakeOnEnqueue;
        LogStarted(logger, function.Name, queue.Name, Lease.TotalSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            inFlight.RemoveAll(task => task.IsCompleted);
            if (inFlight.Count > threshold)
            {
                await Task.WhenAny(inFlight);
                continue;
            }

            // Taken before the receive: an enqueue while it runs completes it, so the wait below ends at once.
            var enqueuedMeanwhile = wake ? enqueued.Next : null;
            var batch = await ReceiveAsync(queue, settings.BatchSize, stoppingToken);
            if (batch.Length > 0)
            {
                idle = FirstPoll;
                inFlight.AddRange(batch.Select(message => HandleAsync(function, queue, poison, message)));
                continue;
            }

            idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, settings.MaxPollingInterval.Ticks));
            try
            {
                if (await IdleAsync(idle, enqueuedMeanwhile, stoppingToken))
                {
                    idle = FirstPoll;
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        // In-flight work is not cancelled by shutdown: it finishes, then the listener ends.
        await Task.WhenAll(inFlight);
        LogStopped(logger, function.Name, queue.Name);
    }

    /// <summary>Waits <paramref name="idle"/>, or less when <paramref name="enqueued"/> completes first; true when it did (woken).</summary>
    /// <exception cref="OperationCanceledException">Stopping.</exception>
    internal static Task<bool> IdleAsync(TimeSpan idle, Task? enqueued, CancellationToken stoppingToken) =>
        Wait.OrWokenAsync(idle, enqueued, TimeProvider.System, stoppingToken);

    private QueueClient Client(QueueFunction function, string name) =>
        function.Trigger.Connection is null or StorageOptions.Key
            ? storage.QueuesEncoded(options.Value.MessageEncoding == "none" ? QueueMessageEncoding.None : QueueMessageEncoding.Base64).GetQueueClient(name)
            : throw new InvalidOperationException($"Function {function.Name}: only the {StorageOptions.Key} connection is served without a host.");

    private async Task<QueueMessage[]> ReceiveAsync(QueueClient queue, int batchSize, CancellationToken stoppingToken)
    {
        try
        {
            return await queue.ReceiveMessagesAsync(batchSize, Lease, stoppingToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            await CreateAsync(queue, stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // Storage slow or away: keep polling; the listener must outlive any outage.
            LogReceiveFailed(logger, queue.Name, ex.GetType().Name);
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }

        return [];
    }

    private async Task CreateAsync(QueueClient queue, CancellationToken stoppingToken)
    {
        try
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            LogReceiveFailed(logger, queue.Name, ex.GetType().Name);
        }
    }

    private async Task HandleAsync(QueueFunction function, QueueClient queue, QueueClient poison, QueueMessage message)
    {
        Exception? failure = null;
        var lease = new MessageLease(queue, message, Lease);
        try
        {
            await using var scope = services.CreateAsyncScope();
            await FunctionInvoker.InvokeAsync(function.Method, scope.ServiceProvider, p => Bind(p, message));
        }
        catch (Exception ex)
        {
            failure = ex;
            LogFailed(logger, function.Name, message.MessageId, message.DequeueCount, ex.Message);
        }
        finally
        {
            await lease.DisposeAsync();
        }

        var popReceipt = lease.PopReceipt;

        try
        {
            if (failure is null)
            {
                await queue.DeleteMessageAsync(message.MessageId, popReceipt);
            }
            else if (message.DequeueCount >= options.Value.MaxDequeueCount)
            {
                await StorageCall.CreatingAsync(() => poison.SendMessageAsync(message.Body), () => poison.CreateIfNotExistsAsync());
                await queue.DeleteMessageAsync(message.MessageId, popReceipt);
                LogPoisoned(logger, message.MessageId, message.DequeueCount, poison.Name, failure.Message);
            }
            else
            {
                await queue.UpdateMessageAsync(message.MessageId, popReceipt, visibilityTimeout: options.Value.VisibilityTimeout);
            }
        }
        catch (Exception ex)
        {
            // Whatever failed (storage timeouts surface as AggregateException after the SDK's retries), the message
            // stays on the queue and comes back after its lease: at least once, never lost.
            LogSettleFailed(logger, message.MessageId, ex.GetType().Name);
        }
    }

    private static object? Bind(System.Reflection.ParameterInfo parameter, QueueMessage message) =>
        parameter.ParameterType == typeof(QueueMessage) ? message
        : parameter.ParameterType == typeof(string) ? message.Body.ToString()
        : parameter.ParameterType == typeof(BinaryData) ? message.Body
        : CancellationToken.None;

    [LoggerMessage(LogLevel.Warning, "Function {Function} is disabled (AzureWebJobs.{Function}.Disabled): its queue is not listened to; messages wait there")]
    private static partial void LogDisabled(ILogger logger, string function);

    [LoggerMessage(LogLevel.Information, "Function {Function} listening to queue {Queue} (no Functions host; messages leased for {LeaseSeconds} s, renewed while they run)")]
    private static partial void LogStarted(ILogger logger, string function, string queue, double leaseSeconds);

    [LoggerMessage(LogLevel.Information, "Function {Function} stopped listening to queue {Queue}; in-flight messages finished")]
    private static partial void LogStopped(ILogger logger, string function, string queue);

    [LoggerMessage(LogLevel.Warning, "Could not receive from the queue {Queue} ({ErrorType}); retrying")]
    private static partial void LogReceiveFailed(ILogger logger, string queue, string errorType);

    [LoggerMessage(LogLevel.Warning, "Function {Function} failed on message {MessageId} (delivery {DequeueCount}): {Reason}")]
    private static partial void LogFailed(ILogger logger, string function, string messageId, long dequeueCount, string reason);

    [LoggerMessage(LogLevel.Error, "Moved message {MessageId} to {PoisonQueue} after {DequeueCount} deliveries: {Reason}")]
    private static partial void LogPoisoned(ILogger logger, string messageId, long dequeueCount, string poisonQueue, string reason);

    [LoggerMessage(LogLevel.Warning, "Could not settle message {MessageId} ({ErrorType}); it will be delivered again")]
    private static partial void LogSettleFailed(ILogger logger, string messageId, string errorType);
}
