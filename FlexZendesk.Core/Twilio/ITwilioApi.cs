using Refit;

namespace FlexZendesk.Core.Twilio;

/// <summary>
/// The Twilio REST calls FlexZendesk makes. Paths are unique across products, so <see cref="TwilioHostHandler"/>
/// picks the product host (or <c>Twilio:ApiBaseUrl</c>) per request; <see cref="TwilioAuthHandler"/> adds credentials.
/// </summary>
public interface ITwilioApi
{
    [Get("/v1/Workspaces/{workspaceSid}/Tasks/{taskSid}")]
    Task<IApiResponse<TwilioTask>> GetTaskAsync(string workspaceSid, string taskSid, CancellationToken cancellationToken);

    /// <summary>Twilio answers 412 when <paramref name="ifMatch"/> is not the task's current ETag.</summary>
    [Post("/v1/Workspaces/{workspaceSid}/Tasks/{taskSid}")]
    Task<IApiResponse<TwilioTask>> UpdateTaskAsync(
        string workspaceSid,
        string taskSid,
        [Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form,
        [Header("If-Match")] string ifMatch,
        CancellationToken cancellationToken);

    [Get("/v1/Conversations/{conversationSid}/Messages")]
    Task<IApiResponse<TwilioMessages>> MessagesAsync(string conversationSid, [AliasAs("PageSize")] int pageSize, CancellationToken cancellationToken);

    [Get("/2010-04-01/Accounts/{accountSid}/Calls/{callSid}/Recordings.json")]
    Task<IApiResponse<TwilioRecordings>> RecordingsAsync(string accountSid, string callSid, CancellationToken cancellationToken);
}
