using Microsoft.Extensions.Logging.Abstractions;

namespace FlexZendesk.Functions.Queues;

/// <summary>
/// Collects the app's log lines written while one host invocation runs, for the custom-handler reply's <c>Logs</c>
/// array: the host writes them to its invocation log (the portal's Monitor tab, App Insights traces with the
/// invocation id). Only this app's categories, at Information and above, at most <see cref="MaxLines"/> lines.
/// </summary>
public sealed class InvocationLogs : ILoggerProvider
{
    public const int MaxLines = 50;
    private static readonly AsyncLocal<List<string>?> Current = new();

    /// <summary>Starts collecting for the current async flow; dispose to stop. <paramref name="lines"/> fills meanwhile.</summary>
    public static IDisposable Capture(out List<string> lines)
    {
        var previous = Current.Value;
        Current.Value = lines = [];
        return new Restore(previous);
    }

    public ILogger CreateLogger(string categoryName) =>
        categoryName.StartsWith("FlexZendesk.", StringComparison.Ordinal) ? new Collector(ShortName(categoryName)) : NullLogger.Instance;

    public void Dispose()
    {
    }

    private static string ShortName(string category) => category[(category.LastIndexOf('.') + 1)..];

    private sealed class Restore(List<string>? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }

    private sealed class Collector(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information && Current.Value is not null;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel) || Current.Value is not { } lines)
            {
                return;
            }

            lock (lines)
            {
                if (lines.Count < MaxLines)
                {
                    lines.Add($"{logLevel} {category}: {formatter(state, exception)}");
                }
            }
        }
    }
}
