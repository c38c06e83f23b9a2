using System.Globalization;
using System.Text.Json;
using FlexZendesk.Core.Queues;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlexZendesk.Functions.Queues;

/// <summary>
/// <c>POST /ProcessFlexEvent</c>: the Functions host's queue-trigger invocation. Non-2xx fails the invocation, so
/// the host redelivers the message and after maxDequeueCount moves it to the poison queue.
/// </summary>
public static class QueueFunctionApi
{
    public const string FunctionName = "ProcessFlexEvent";

    public static IEndpointRouteBuilder MapQueueFunctions(this IEndpointRouteBuilder app)
    {
        app.MapPost("/" + FunctionName, InvokeAsync).WithName(FunctionName);
        return app;
    }

    public static async Task<Results<Ok<InvocationResult>, JsonHttpResult<InvocationResult>, ProblemHttpResult>> InvokeAsync(
        HttpRequest request,
        FlexMessageHandler handler,
        RetryPolicy policy,
        EventQueueWriter queue,
        CancellationToken cancellationToken)
    {
        JsonElement root;
        try
        {
            root = (await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken)).RootElement;
        }
        catch (JsonException)
        {
            return TypedResults.Problem(statusCode: 400, title: "Bad Request", detail: "The invocation body is not JSON.");
        }

        if (Invocation.Read(root) is not { } invocation)
        {
            return TypedResults.Problem(statusCode: 400, title: "Bad Request", detail: "The invocation has no Data.msg queue message.");
        }

        HandlingResult result;
        List<string> logged;
        using (InvocationLogs.Capture(out logged))
        {
            result = await handler.HandleAsync(invocation.Message, invocation.MessageId, invocation.DequeueCount, cancellationToken);
        }

        // What the app logged during the invocation goes to the host's invocation log; the summary when nothing was.
        var reply = new InvocationResult([], logged.Count > 0 ? logged : result.Logs, null);
        var (action, delay) = policy.Decide(result, invocation.DequeueCount);
        switch (action)
        {
            case SettleAction.Reschedule:
                // Acknowledge and re-enqueue a copy for later: the host would otherwise retry it at once.
                await queue.RescheduleAsync(invocation.Message, delay, cancellationToken);
                return TypedResults.Ok(reply);
            case SettleAction.Poison:
                await queue.SendPoisonAsync(invocation.Message, result.Reason, cancellationToken);
                return TypedResults.Ok(reply);
            case SettleAction.Backoff:
                // Non-2xx fails the invocation: the host redelivers after host.json's visibilityTimeout.
                return TypedResults.Json(reply, AppJsonContext.Default.InvocationResult, statusCode: StatusCodes.Status500InternalServerError);
            default:
                return TypedResults.Ok(reply);
        }
    }

    /// <summary>The queue message and its metadata, accepting what real hosts send and what the docs show.</summary>
    internal sealed record Invocation(string Message, string MessageId, long DequeueCount)
    {
        public static Invocation? Read(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("Data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var message = data.TryGetProperty("msg", out var msg) ? msg : data.EnumerateObject().Select(p => p.Value).FirstOrDefault();
            var text = message.ValueKind switch
            {
                JsonValueKind.String => Unwrap(message.GetString()!),
                JsonValueKind.Object => message.GetRawText(),
                _ => null,
            };
            if (text is null)
            {
                return null;
            }

            var metadata = root.TryGetProperty("Metadata", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
            return new Invocation(text, Scalar(metadata, "Id") ?? "", long.TryParse(Scalar(metadata, "DequeueCount"), CultureInfo.InvariantCulture, out var count) ? count : 1);
        }

        /// <summary>Real hosts JSON-encode string values a second time: <c>"\"{...}\""</c>.</summary>
        private static string Unwrap(string text)
        {
            for (var depth = 0; depth < 3 && text.Length > 1 && text[0] == '"'; depth++)
            {
                try
                {
                    text = JsonSerializer.Deserialize(text, AppJsonContext.Default.String) ?? text;
                }
                catch (JsonException)
                {
                    break;
                }
            }

            return text;
        }

        /// <summary>A metadata value as text, whether sent as a string (possibly double-encoded) or a number.</summary>
        private static string? Scalar(JsonElement metadata, string name) =>
            metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty(name, out var value)
                ? value.ValueKind == JsonValueKind.String ? Unwrap(value.GetString()!) : value.GetRawText()
                : null;
    }
}
