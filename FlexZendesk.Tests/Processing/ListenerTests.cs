using FlexZendesk.Tests.Infrastructure;
using static FlexZendesk.Tests.Infrastructure.FlexScenario;

namespace FlexZendesk.Tests.Processing;

/// <summary>The standalone listener keeps the queue trigger's retry and poison semantics.</summary>
public sealed class ListenerTests
{
    [SetUp]
    public Task Reset() => Remote.ResetAsync();

    [Test]
    public async Task FailingMessageIsRetriedThenPoisonedAfterMaxDequeueCount()
    {
        await using var scenario = new FlexScenario(new Dictionary<string, string?> { [FlexScenario.QueueTrigger + "maxDequeueCount"] = "3" });
        await Remote.PostControlAsync("/_sandbox/faults", new { api = "zendesk", mode = "status", status = 500 });
        var taskSid = NewTaskSid();
        await scenario.SendAsync("reservation.accepted", taskSid, Attributes(new { from = "+14155550500" }));

        await WaitUntilAsync(async () => (await scenario.App.PoisonQueue.ExistsAsync()).Value, TimeSpan.FromSeconds(30));

        var poisoned = (await scenario.App.PoisonQueue.PeekMessagesAsync()).Value;
        var attempts = (await ZendeskRequestsAsync()).Count(r => r.GetProperty("status").GetInt32() == 500);
        Assert.Multiple(async () =>
        {
            Assert.That(poisoned, Has.Length.EqualTo(1));
            Assert.That(poisoned[0].Body.ToString(), Does.Contain(taskSid));
            Assert.That(attempts, Is.EqualTo(3), "one Zendesk attempt per delivery");
            Assert.That((await scenario.App.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount, Is.Zero);
        });
    }

    [Test]
    public async Task TransientFailureIsRetriedToSuccess()
    {
        await using var scenario = new FlexScenario();
        await Remote.PostControlAsync("/_sandbox/faults", new { api = "zendesk", mode = "status", status = 503, count = 2 });
        var taskSid = NewTaskSid();
        var attributes = Attributes(new { from = "+14155550501" });
        await SeedTaskAsync(taskSid, attributes);
        await scenario.SendAsync("reservation.accepted", taskSid, attributes);
        await scenario.DrainAsync();

        Assert.That(NotesFor(await TicketForAsync(taskSid), taskSid, "accepted"), Is.EqualTo(1));
        Assert.That((await scenario.App.PoisonQueue.ExistsAsync()).Value, Is.False);
    }

    [Test]
    public async Task ShutdownLetsInFlightMessagesFinish()
    {
        var scenario = new FlexScenario();
        await Remote.PostControlAsync("/_sandbox/faults", new { api = "zendesk", mode = "delay", delay_ms = 1500 });
        var taskSid = NewTaskSid();
        var attributes = Attributes(new { from = "+14155550502" });
        await SeedTaskAsync(taskSid, attributes);
        await scenario.SendAsync("task.completed", taskSid, attributes);

        // Stop once the listener holds the message (no longer visible) and its slow Zendesk calls are under way.
        var queue = scenario.App.Queue;
        await WaitUntilAsync(async () => (await queue.PeekMessagesAsync()).Value.Length == 0, TimeSpan.FromSeconds(10));

        await scenario.DisposeAsync();

        Assert.That(NotesFor(await TicketForAsync(taskSid), taskSid, "completed"), Is.EqualTo(1), "the in-flight message finished");
        Assert.That((await queue.PeekMessagesAsync()).Value, Is.Empty, "and was deleted, not left for redelivery");
    }

    [Test]
    public async Task AMessageThatOutlastsItsLeaseIsRenewedAndDeliveredOnce()
    {
        // A 3 s lease (renewed every second) and a first Zendesk call that takes 7 s: without renewal the message would
        // come back mid-work and a second delivery would process it again.
        using var logs = new CapturingLoggerProvider();
        var scenario = new FlexScenario(new Dictionary<string, string?> { ["Queues:LeaseSeconds"] = "3", ["Zendesk:TimeoutSeconds"] = "20" }, logs);
        await Remote.PostControlAsync("/_sandbox/faults", new { api = "zendesk", mode = "delay", delay_ms = 7000, count = 1 });
        var taskSid = NewTaskSid();
        var attributes = Attributes(new { from = "+14155550503" });
        await SeedTaskAsync(taskSid, attributes);
        await scenario.SendAsync("reservation.accepted", taskSid, attributes);
        await scenario.DrainAsync();
        // Shutdown waits for in-flight work: a delivery that lost its lease would still be running now.
        await scenario.DisposeAsync();

        var deliveries = logs.Lines.Count(l => l.Contains("Processed reservation.accepted", StringComparison.Ordinal));
        Assert.Multiple(async () =>
        {
            Assert.That(deliveries, Is.EqualTo(1), "one delivery: the lease never lapsed under the work");
            Assert.That(logs.Lines.Where(l => l.Contains("Could not settle", StringComparison.Ordinal)), Is.Empty, "the renewed receipt deleted the message");
            Assert.That(NotesFor(await TicketForAsync(taskSid), taskSid, "accepted"), Is.EqualTo(1));
        });
    }
}
