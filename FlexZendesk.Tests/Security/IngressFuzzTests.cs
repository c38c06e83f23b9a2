using FsCheck;
using FsCheck.Fluent;
using FlexZendesk.Core.Events;
using FlexZendesk.Core.Tickets;
using FlexZendesk.Tests.Infrastructure;

namespace FlexZendesk.Tests.Security;

/// <summary>
/// Property-based: random forms (known and arbitrary keys; unicode, control characters, 4 KB strings, JSON-ish and
/// deeply nested attributes), signed or tampered, through the real app. Whatever arrives, no answer is a 5xx.
/// </summary>
public sealed class IngressFuzzTests : AppFixture
{
    private static readonly string[] KnownKeys = ["EventType", "TaskSid", "Sid", "WorkspaceSid", "TaskAttributes", "TaskChannelUniqueName", "WorkflowSid", "TaskAge"];
    private static readonly string[] EventTypes = ["task.created", "reservation.accepted", "task.completed", "task.updated", "worker.activity.update", "", "task.transfer-x"];

    private static Gen<string> Text() => Gen.OneOf(
        ArbMap.Default.GeneratorFor<string>().Select(s => s ?? ""),
        ArbMap.Default.GeneratorFor<NonEmptyString>().Select(s => s.Get),
        Gen.Choose(1, 4096).Select(n => new string('x', n)),
        Gen.Elements("{\"from\":\"+14155550100\",\"zdCustomTags\":\"[a b ]\"}", "{\"zd_ticket_id\":\"12ab\"}", "[1,2", "null", "{\"a\":{\"b\":[[[[]]]]}}", "\u0000\r\n\t", "{{task.sid}}"),
        Gen.Choose(1, 300).Select(depth => string.Concat(Enumerable.Repeat("[", depth)) + string.Concat(Enumerable.Repeat("]", depth))));

    private static Gen<List<KeyValuePair<string, string>>> Forms() =>
        from eventType in Gen.Elements(EventTypes)
        from extra in Gen.ListOf(Gen.OneOf(Gen.Elements(KnownKeys), ArbMap.Default.GeneratorFor<NonEmptyString>().Select(s => s.Get)).Zip(Text()))
        select new List<KeyValuePair<string, string>>([new("EventType", eventType), .. extra.Take(12).Select(p => new KeyValuePair<string, string>(p.Item1, p.Item2))]);

    [Test]
    public void NoFormEverGetsA5xx()
    {
        var statuses = new Dictionary<int, int>();
        var property = Prop.ForAll(Forms().ToArbitrary(), ArbMap.Default.ArbFor<bool>(), (fields, tamper) =>
        {
            var signature = tamper ? "AAAAAAAAAAAAAAAAAAAAAAAAAAA=" : null;
            using var request = App.Signer.Form("/api/taskrouter/events", fields, signature);
            using var response = Client.SendAsync(request).GetAwaiter().GetResult();
            var status = (int)response.StatusCode;
            lock (statuses)
            {
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
            }

            return status < 500;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(10_000), property);
        TestContext.Progress.WriteLine("fuzz statuses: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
        Assert.That(statuses.Values.Sum(), Is.GreaterThanOrEqualTo(10_000));
        Assert.That(statuses.Keys, Does.Contain(204).And.Contain(403), "both accepted and rejected paths were exercised");
    }

    [Test]
    public void ParsersTotalOnArbitraryInput()
    {
        var property = Prop.ForAll(Text().ToArbitrary(), Forms().ToArbitrary(), (text, fields) =>
        {
            var envelope = EnvelopeFactory.Create(EventSources.TaskRouter, [.. fields, new("TaskAttributes", text)], text, DateTimeOffset.UtcNow, null);
            var task = new TaskContext(envelope);
            _ = TagParser.Parse(text);
            _ = Template.Render("{{from}} {{task.channel}} {{a.b}}", task, singleLine: true);
            return envelope.Id.Length > 0 && (envelope.TaskAttributes is not null ^ envelope.TaskAttributesError is not null);
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(10_000), property);
    }
}
