namespace FlexZendesk.Core.Processing;

/// <summary>A failure no retry fixes (422 on a closed ticket, 400): logged with its reason and acknowledged.</summary>
/// <param name="invalidFields">For Zendesk's 422 <c>RecordInvalid</c>: the fields its <c>details</c> names (e.g. <c>requester</c>).</param>
public sealed class PermanentException(string reason, IReadOnlyCollection<string>? invalidFields = null) : Exception(reason)
{
    public IReadOnlyCollection<string> InvalidFields { get; } = invalidFields ?? [];
}
