using System.Net;
using Microsoft.Extensions.Options;
using Twilio.Clients;
using Twilio.Exceptions;
using Twilio.Http;
using Twilio.Rest;
using Twilio.Rest.Conversations.V1.Conversation;
using Twilio.Rest.Taskrouter.V1.Workspace;
using ReadReservationOptions = Twilio.Rest.Taskrouter.V1.Workspace.Task.ReadReservationOptions;
using ReservationResource = Twilio.Rest.Taskrouter.V1.Workspace.Task.ReservationResource;
using EventResource = Twilio.Rest.Taskrouter.V1.Workspace.EventResource;
using ReadEventOptions = Twilio.Rest.Taskrouter.V1.Workspace.ReadEventOptions;

namespace FlexZendesk.Core.Twilio;

/// <summary>
/// The Twilio REST calls FlexZendesk makes, through the Twilio SDK's <see cref="TwilioRestClient"/> on an
/// <see cref="System.Net.Http.HttpClient"/> from <c>IHttpClientFactory</c> (named <see cref="HttpClientName"/>: its
/// handlers send every call to <c>Twilio:ApiBaseUrl</c> when set and count calls). The SDK's failures become
/// <see cref="RetryableException"/> or <see cref="PermanentException"/> by HTTP status, as every API call here does.
/// </summary>
public sealed class TwilioRest(IHttpClientFactory http, IOptions<TwilioOptions> options)
{
    public const string HttpClientName = "Twilio";

    /// <summary>
    /// The task's attributes and its ETag, exactly as sent (Twilio documents it bare, <c>3</c>; typed headers drop an
    /// unquoted value, so it is read raw), or null when the task is gone. The SDK's typed fetch hides the ETag, so
    /// this is the SDK's own low-level request on the same client.
    /// </summary>
    public async Task<TaskVersion?> ReadTaskAsync(string workspaceSid, string taskSid, CancellationToken cancellationToken)
    {
        var request = new Request(global::Twilio.Http.HttpMethod.Get, Domain.Taskrouter, $"/v1/Workspaces/{workspaceSid}/Tasks/{taskSid}", null);
        var response = await CallAsync(client => client.RequestAsync(request), "Twilio read task", cancellationToken);
        if (response is null)
        {
            return null;
        }

        var task = TaskResource.FromJson(response.Content);
        var etag = response.Headers is { } headers && headers.TryGetValues("ETag", out var values) ? values.FirstOrDefault() : null;
        return new TaskVersion(task.Attributes, string.IsNullOrWhiteSpace(etag) ? null : etag.Trim());
    }

    /// <summary>Writes the attributes if the task is still at <paramref name="ifMatch"/>; false when it changed meanwhile (412).</summary>
    public async Task<bool> TryUpdateAttributesAsync(string workspaceSid, string taskSid, string attributes, string ifMatch, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync(
                client => TaskResource.UpdateAsync(pathWorkspaceSid: workspaceSid, pathSid: taskSid, attributes: attributes, ifMatch: ifMatch, client: client),
                "Twilio update task",
                cancellationToken,
                preconditionFailed: true);
            return true;
        }
        catch (PreconditionFailed)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether <paramref name="workerSid"/> took the task: one of its reservations of it is accepted, wrapping or
    /// completed (an agent selects a task in wrap-up too). False when the task is unknown.
    /// </summary>
    public async Task<bool> WorkerTookTaskAsync(string workspaceSid, string taskSid, string workerSid, CancellationToken cancellationToken)
    {
        var read = new ReadReservationOptions(workspaceSid, taskSid) { WorkerSid = workerSid, PageSize = 20, Limit = 20 };
        var reservations = await CallAsync(client => ReservationResource.ReadAsync(read, client), "Twilio task reservations", cancellationToken);
        return reservations?.Any(r => r.WorkerSid == workerSid && Took(r)) == true;
    }

    /// <summary>
    /// The workers who took the task, in the order their reservations were made: how a <c>task.*</c> event processed
    /// before any <c>reservation.accepted</c> learns who the agent is. None when the task is unknown.
    /// </summary>
    public async Task<IReadOnlyList<TaskWorker>> TaskWorkersAsync(string workspaceSid, string taskSid, CancellationToken cancellationToken)
    {
        var read = new ReadReservationOptions(workspaceSid, taskSid) { PageSize = 50, Limit = 50 };
        var reservations = await CallAsync(async client => (await ReservationResource.ReadAsync(read, client)).ToList(), "Twilio task reservations", cancellationToken);
        return reservations is null ? [] : [.. reservations.Where(Took).OrderBy(r => r.DateCreated).Select(r => new TaskWorker(r.WorkerSid, r.WorkerName, r.DateCreated))];
    }

    /// <summary>A worker's attributes (JSON) as TaskRouter has them, or null when the worker is unknown.</summary>
    public async Task<string?> WorkerAttributesAsync(string workspaceSid, string workerSid, CancellationToken cancellationToken) =>
        (await CallAsync(client => WorkerResource.FetchAsync(pathWorkspaceSid: workspaceSid, pathSid: workerSid, client: client), "Twilio worker", cancellationToken))?.Attributes;

    /// <summary>A reservation whose worker took the task: accepted, wrapping or completed (an agent works a task in wrap-up too).</summary>
    private static bool Took(ReservationResource reservation) => reservation.ReservationStatus?.ToString() is "accepted" or "wrapping" or "completed";

    /// <summary>Twilio's published maximum page size for Conversations messages.</summary>
    public const int MaxMessagesPage = 100;

    /// <summary>The first <paramref name="limit"/> messages of a conversation, in index order, in pages of at most <see cref="MaxMessagesPage"/>.</summary>
    public async Task<IReadOnlyList<MessageResource>> MessagesAsync(string conversationSid, int limit, CancellationToken cancellationToken)
    {
        var messages = await CallAsync(
            // Every page is read here, inside the call's failure rule (the SDK's set reads the next page as it is enumerated).
            async client => (await MessageResource.ReadAsync(pathConversationSid: conversationSid, pageSize: Math.Min(limit, MaxMessagesPage), limit: limit, client: client)).ToList(),
            "Twilio conversation messages",
            cancellationToken);
        return messages is null ? [] : [.. messages.OrderBy(m => m.Index)];
    }

    /// <summary>
    /// The workspace's events from <paramref name="start"/> to <paramref name="end"/> (both inclusive, whole seconds),
    /// of <paramref name="eventType"/> when given: one request, at most <paramref name="pageSize"/> events (≤ 1,000),
    /// never a second page (the resource does not support paging). A full answer means there may be more.
    /// </summary>
    public async Task<IReadOnlyList<EventResource>> EventsAsync(string workspaceSid, DateTimeOffset start, DateTimeOffset end, string? eventType, int pageSize, CancellationToken cancellationToken)
    {
        var read = new ReadEventOptions(workspaceSid)
        {
            StartDate = start.UtcDateTime,
            EndDate = end.UtcDateTime,
            EventType = eventType,
            PageSize = pageSize,
            Limit = pageSize,
        };
        var events = await CallAsync(client => EventResource.ReadAsync(read, client), "Twilio read events", cancellationToken);
        return events is null ? [] : [.. events];
    }

    private TwilioRestClient Client()
    {
        var twilio = options.Value;
        var (user, secret) = twilio.RestCredentials;
        return new TwilioRestClient(
            user,
            secret,
            accountSid: twilio.AccountSid,
            httpClient: new SystemNetHttpClient(http.CreateClient(HttpClientName)));
    }

    /// <summary>
    /// Runs one SDK call and sorts its failures by <see cref="HttpFailure"/>'s rule, except 404, which gives null, and
    /// a 412 the caller expects (<paramref name="preconditionFailed"/>).
    /// </summary>
    internal async Task<T?> CallAsync<T>(Func<TwilioRestClient, Task<T>> call, string operation, CancellationToken cancellationToken, bool preconditionFailed = false)
        where T : class
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            // The SDK takes no CancellationToken; the HttpClient's timeout bounds every call.
            return await call(Client());
        }
        catch (ApiException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (ApiException ex) when (ex.Status == (int)HttpStatusCode.PreconditionFailed && preconditionFailed)
        {
            throw new PreconditionFailed();
        }
        catch (ApiException ex)
        {
            throw HttpFailure.Of(ex.Status, $"{operation}: HTTP {ex.Status} (Twilio error {ex.Code})", inner: ex);
        }
        catch (Exception ex) when (ex is ApiConnectionException or HttpRequestException or IOException or OperationCanceledException)
        {
            throw HttpFailure.NoAnswer(operation, ex.InnerException ?? ex, ex);
        }
    }

    /// <summary>A duration as Twilio sends it, whole seconds in a string; null when it sent none.</summary>
    internal static int? Seconds(string? text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) ? seconds : null;

    private sealed class PreconditionFailed : Exception;
}
