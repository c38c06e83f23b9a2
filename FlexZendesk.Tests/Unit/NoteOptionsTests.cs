using FlexZendesk.Core.Tickets;

namespace FlexZendesk.UnitTests;

[Category("Unit")]
public sealed class NoteOptionsTests
{
    [Test]
    public void StagesAreReadAsLowerCaseNamesWhateverTheSeparators()
    {
        var options = new NoteOptions { Stages = " Accepted, completed;WRAPUP  transfer,," };
        Assert.That(options.StageSet, Is.EquivalentTo(new[] { "accepted", "completed", "wrapup", "transfer" }));
    }

    [Test]
    public void StagesAreParsedOncePerValueAndAgainWhenTheValueChanges()
    {
        var options = new NoteOptions { Stages = "accepted,completed" };
        var first = options.StageSet;
        Assert.That(options.StageSet, Is.SameAs(first), "the same value is not parsed again");

        options.Stages = "selected";
        Assert.That(options.StageSet, Is.EquivalentTo(new[] { "selected" }), "a reloaded value is read, not the cached one");
    }

    [Test]
    public void AnUnknownStageFailsValidationByName()
    {
        var result = new NoteOptionsValidator().Validate(null, new NoteOptions { Stages = "accepted,answered" });
        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("answered").And.Contain("Notes:Stages"));
    }
}
