using Azure;
using FlexZendesk.Core.Storage;

namespace FlexZendesk.UnitTests;

/// <summary>What a storage failure says in a log line: enough to tell a timeout from a refusal, nothing secret.</summary>
[Category("Unit")]
public sealed class StorageCallTests
{
    [Test]
    public void AFailureNamesItsStatusCodeOrTheRetriesBehindIt()
    {
        Assert.Multiple(() =>
        {
            Assert.That(StorageCall.Describe(new RequestFailedException(409, "conflict", "EntityAlreadyExists", null)), Is.EqualTo("HTTP 409 EntityAlreadyExists"));
            Assert.That(
                StorageCall.Describe(new AggregateException(new TaskCanceledException(), new TaskCanceledException(), new RequestFailedException(503, "busy", "ServerBusy", null))),
                Is.EqualTo("retries exhausted: TaskCanceledException; HTTP 503 ServerBusy"));
            Assert.That(StorageCall.IsFailure(new OperationCanceledException(), new CancellationToken(canceled: true)), Is.False, "our own cancellation is no storage failure");
            Assert.That(StorageCall.IsFailure(new OperationCanceledException(), CancellationToken.None), Is.True, "a cancellation we did not ask for is a timeout");
        });
    }
}
