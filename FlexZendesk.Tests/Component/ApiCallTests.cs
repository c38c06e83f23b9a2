using System.Net;
using FlexZendesk.Core.Zendesk;
using FlexZendesk.Core;

namespace FlexZendesk.Tests.Component;

/// <summary>How a Zendesk answer becomes "retry" or "give up", through the real Refit client and its handlers.</summary>
[Category("Component")]
public sealed class ApiCallTests
{
    private static async Task<Exception> FailureOfAsync(HttpResponseMessage answer)
    {
        await using var harness = await ProcessingHarness.StartAsync();
        harness.Remote.On(HttpMethod.Get, "/api/v2/tickets/5.json", _ => answer);
        var zendesk = harness.Get<IZendeskApi>();
        try
        {
            await ApiCall.RequireAsync(() => zendesk.GetTicketAsync(5, CancellationToken.None), "Zendesk show ticket", CancellationToken.None);
        }
        catch (Exception ex) when (ex is RetryableException or PermanentException)
        {
            return ex;
        }

        throw new AssertionException("the call did not fail");
    }

    [Test]
    public async Task A429IsRetryableAfterItsRetryAfter()
    {
        var answer = StubHttp.Json(HttpStatusCode.TooManyRequests, """{"error":"TooManyRequests"}""");
        answer.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7));

        var failure = await FailureOfAsync(answer);

        Assert.That(failure, Is.TypeOf<RetryableException>().With.Property(nameof(RetryableException.RetryAfter)).EqualTo(TimeSpan.FromSeconds(7)));
    }

    [TestCase(HttpStatusCode.InternalServerError)]
    [TestCase(HttpStatusCode.BadGateway)]
    [TestCase(HttpStatusCode.RequestTimeout)]
    [TestCase(HttpStatusCode.Conflict)]
    [TestCase(HttpStatusCode.Unauthorized, TestName = "Rejected credentials are retryable: the message waits in the poison queue, replayable once fixed")]
    public async Task TransientAnswersAreRetryable(HttpStatusCode status)
    {
        var failure = await FailureOfAsync(StubHttp.Json(status, """{"error":"x"}"""));

        Assert.That(failure, Is.TypeOf<RetryableException>().With.Message.Contain($"HTTP {(int)status}"));
    }

    [Test]
    public async Task ARecordInvalidNamesItsFieldsAndIsPermanent()
    {
        var failure = await FailureOfAsync(StubHttp.Json(HttpStatusCode.UnprocessableEntity, """{"error":"RecordInvalid","description":"Record validation errors","details":{"requester":[{"description":"invalid"}],"status":[{"description":"closed"}]}}"""));

        Assert.That(failure, Is.TypeOf<PermanentException>());
        Assert.That(((PermanentException)failure).InvalidFields, Is.EquivalentTo(new[] { "requester", "status" }));
    }

    [Test]
    public async Task AnyOtherClientErrorIsPermanentWithoutFields()
    {
        var failure = await FailureOfAsync(StubHttp.Json(HttpStatusCode.BadRequest, """{"error":"InvalidValue","description":"the body mentions requester"}"""));

        Assert.That(failure, Is.TypeOf<PermanentException>());
        Assert.That(((PermanentException)failure).InvalidFields, Is.Empty, "a word in the text is no typed field");
    }

    [Test]
    public async Task NoAnswerIsRetryable()
    {
        await using var harness = await ProcessingHarness.StartAsync();
        harness.Remote.On(HttpMethod.Get, "/api/v2/tickets/5.json", _ => throw new HttpRequestException("connection reset"));
        var zendesk = harness.Get<IZendeskApi>();

        var failure = await Assert.ThrowsAsync<RetryableException>(() => ApiCall.RequireAsync(() => zendesk.GetTicketAsync(5, CancellationToken.None), "Zendesk show ticket", CancellationToken.None));

        Assert.That(failure!.Message, Does.Contain("no answer"));
    }
}
