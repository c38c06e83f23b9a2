using Microsoft.Extensions.Options;
using Twilio.Clients;
using Twilio.Rest.Api.V2010.Account.Call;
using AccountRecordingResource = Twilio.Rest.Api.V2010.Account.RecordingResource;
using CallResource = Twilio.Rest.Api.V2010.Account.CallResource;
using ConferenceRecordingResource = Twilio.Rest.Api.V2010.Account.Conference.RecordingResource;
using TranscriptionResource = Twilio.Rest.Api.V2010.Account.Recording.TranscriptionResource;

namespace FlexZendesk.Core.Twilio;

/// <summary>
/// The calls of the 2010 API FlexZendesk reads at a voice task's end: the call, its recordings, a conference's, one
/// recording by SID, and a recording's transcription; through <see cref="TwilioRest"/>'s client and failure rule.
/// </summary>
public sealed class TwilioCalls(TwilioRest rest, IOptions<TwilioOptions> options)
{
    /// <summary>The call's recordings, oldest first; none when the call is unknown.</summary>
    public Task<IReadOnlyList<CallRecording>> RecordingsAsync(string callSid, CancellationToken cancellationToken) =>
        ListAsync(
            async client => (await RecordingResource.ReadAsync(pathCallSid: callSid, pathAccountSid: options.Value.AccountSid, client: client)).Select(r => Recording(r.Sid, r.StartTime, r.DateCreated, r.Duration)).ToList(),
            "Twilio recordings",
            cancellationToken);

    /// <summary>A conference's recordings (a Flex call recorded as a conference), oldest first; none when it is unknown.</summary>
    public Task<IReadOnlyList<CallRecording>> ConferenceRecordingsAsync(string conferenceSid, CancellationToken cancellationToken) =>
        ListAsync(
            async client => (await ConferenceRecordingResource.ReadAsync(pathConferenceSid: conferenceSid, pathAccountSid: options.Value.AccountSid, client: client)).Select(r => Recording(r.Sid, r.StartTime, r.DateCreated, r.Duration)).ToList(),
            "Twilio conference recordings",
            cancellationToken);

    private async Task<IReadOnlyList<CallRecording>> ListAsync(Func<TwilioRestClient, Task<List<CallRecording>>> read, string operation, CancellationToken cancellationToken) =>
        await rest.CallAsync(read, operation, cancellationToken) is { } recordings ? [.. recordings.OrderBy(r => r.StartTime)] : [];

    /// <summary>One recording by its SID (one a task's attributes name), or null when it is unknown.</summary>
    public async Task<CallRecording?> RecordingAsync(string recordingSid, CancellationToken cancellationToken)
    {
        var r = await rest.CallAsync(
            client => AccountRecordingResource.FetchAsync(pathSid: recordingSid, pathAccountSid: options.Value.AccountSid, client: client),
            "Twilio recording",
            cancellationToken);
        return r is null ? null : Recording(r.Sid, r.StartTime, r.DateCreated, r.Duration);
    }

    private CallRecording Recording(string sid, DateTime? start, DateTime? created, string? duration) =>
        new(sid, $"https://api.twilio.com/2010-04-01/Accounts/{options.Value.AccountSid}/Recordings/{sid}", start ?? created, TwilioRest.Seconds(duration) ?? 0);

    /// <summary>The call as Twilio's Calls resource has it, or null when it is unknown.</summary>
    public async Task<TwilioCall?> CallAsync(string callSid, CancellationToken cancellationToken)
    {
        var call = await rest.CallAsync(
            client => CallResource.FetchAsync(pathSid: callSid, pathAccountSid: options.Value.AccountSid, client: client),
            "Twilio call",
            cancellationToken);
        return call is null ? null : new TwilioCall(
            call.From, call.To, call.Direction, call.StartTime, call.EndTime,
            TwilioRest.Seconds(call.Duration));
    }

    /// <summary>The text of a recording's completed transcription, when Twilio made one.</summary>
    public async Task<string?> TranscriptionAsync(string recordingSid, CancellationToken cancellationToken)
    {
        var transcriptions = await rest.CallAsync(
            client => TranscriptionResource.ReadAsync(pathRecordingSid: recordingSid, pathAccountSid: options.Value.AccountSid, client: client),
            "Twilio transcriptions",
            cancellationToken);
        return transcriptions?.FirstOrDefault(t => t.Status == TranscriptionResource.StatusEnum.Completed && !string.IsNullOrWhiteSpace(t.TranscriptionText))?.TranscriptionText;
    }
}
