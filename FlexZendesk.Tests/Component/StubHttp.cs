using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace FlexZendesk.Tests.Component;

/// <summary>
/// The far side of every Zendesk and Twilio call in the unit tier: answers by method and path, records each call
/// (method, path and query, body), and answers 501 to a call nobody expected, which the test then sees in <see cref="Calls"/>.
/// </summary>
internal sealed class StubHttp : HttpMessageHandler
{
    private readonly ConcurrentStack<(HttpMethod Method, string Path, Func<Call, HttpResponseMessage> Answer)> _routes = new();

    public ConcurrentQueue<Call> Calls { get; } = new();

    /// <summary>Answers <paramref name="method"/> on <paramref name="path"/> (the path only; a later route wins).</summary>
    public StubHttp On(HttpMethod method, string path, Func<Call, HttpResponseMessage> answer)
    {
        _routes.Push((method, path, answer));
        return this;
    }

    public StubHttp On(HttpMethod method, string path, HttpStatusCode status, string json) =>
        On(method, path, _ => Json(status, json));

    /// <summary>A TaskRouter task that answers its reads and its attribute writes with <paramref name="attributes"/> and ETag 1.</summary>
    public StubHttp OnTask(string taskSid, string attributes)
    {
        HttpResponseMessage Answer(Call _)
        {
            var answer = Json(HttpStatusCode.OK, System.Text.Json.JsonSerializer.Serialize(new { sid = taskSid, attributes }));
            answer.Headers.TryAddWithoutValidation("ETag", "1");
            return answer;
        }

        // TaskRouter knows the task; no worker has taken it (a test that wants one answers the reservations itself).
        var reservations = ProcessingHarness.TaskPath(taskSid) + "/Reservations";
        var page = $"https://taskrouter.twilio.com{reservations}?PageSize=50&Page=0";
        return On(HttpMethod.Get, ProcessingHarness.TaskPath(taskSid), Answer).On(HttpMethod.Post, ProcessingHarness.TaskPath(taskSid), Answer)
            .On(HttpMethod.Get, reservations, HttpStatusCode.OK, System.Text.Json.JsonSerializer.Serialize(new
            {
                reservations = Array.Empty<object>(),
                meta = new { page = 0, page_size = 50, first_page_url = page, previous_page_url = (string?)null, url = page, next_page_url = (string?)null, key = "reservations" },
            }));
    }

    public static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    /// <summary>The calls made to paths starting with <paramref name="prefix"/>, as "METHOD path".</summary>
    public List<string> To(string prefix) => [.. Calls.Where(c => c.Path.StartsWith(prefix, StringComparison.Ordinal)).Select(c => $"{c.Method} {c.Path}")];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var call = new Call(request.Method.Method, request.RequestUri!.AbsolutePath, request.RequestUri.Query, body, request.Headers);
        Calls.Enqueue(call);
        foreach (var route in _routes)
        {
            if (route.Method == request.Method && route.Path == call.Path)
            {
                return Answering(request, route.Answer(call));
            }
        }

        return Answering(request, Json(HttpStatusCode.NotImplemented, $"{{\"error\":\"no stub for {call.Method} {call.Path}\"}}"));
    }

    // As a real handler does: clients (Refit's error factory) read the request back from the answer.
    private static HttpResponseMessage Answering(HttpRequestMessage request, HttpResponseMessage answer)
    {
        answer.RequestMessage = request;
        return answer;
    }

    internal sealed record Call(string Method, string Path, string Query, string Body, System.Net.Http.Headers.HttpRequestHeaders Headers);
}
