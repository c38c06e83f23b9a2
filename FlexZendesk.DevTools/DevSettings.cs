namespace FlexZendesk.DevTools;

/// <summary>The app's own settings, read from the environment (the form scripts/run exports).</summary>
internal sealed record DevSettings(string Storage, string Queue, string AuthToken, string AppUrl, string PublicBaseUrl, string AccountSid, string? WorkspaceSid)
{
    public static DevSettings FromEnvironment()
    {
        static string Required(string name) =>
            Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
                ? value
                : throw new InvalidOperationException($"Set {name} (scripts/run writes them to .tools/run.env).");

        var publicBase = Required("Twilio__WebhookBaseUrl");
        return new(
            Required("AzureWebJobsStorage"),
            Environment.GetEnvironmentVariable("Queues__EventsQueue") ?? "flex-events",
            Required("Twilio__AuthToken"),
            Environment.GetEnvironmentVariable("FLEXZENDESK_APP_URL") ?? publicBase,
            publicBase,
            Required("Twilio__AccountSid"),
            Environment.GetEnvironmentVariable("Twilio__WorkspaceSid"));
    }
}
