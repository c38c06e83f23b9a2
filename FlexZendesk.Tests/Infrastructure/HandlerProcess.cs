using System.Diagnostics;
using System.Globalization;

namespace FlexZendesk.Tests.Infrastructure;

internal static class HandlerProcess
{
    /// <summary>
    /// Starts the app binary as the Functions host does: its port in FUNCTIONS_CUSTOMHANDLER_PORT and the required
    /// settings (the shared Azurite and the sandbox) in the environment.
    /// </summary>
    public static ProcessStartInfo StartInfo(string executable, int port, string workingDirectory)
    {
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["AzureWebJobsStorage"] = TestEnvironment.StorageConnectionString;
        start.Environment["Twilio__AccountSid"] = FunctionsApp.AccountSid;
        start.Environment["Twilio__AuthToken"] = FunctionsApp.AuthToken;
        start.Environment["Twilio__WebhookBaseUrl"] = FunctionsApp.PublicBaseUrl;
        start.Environment["Zendesk__BaseUrl"] = TestEnvironment.Sandbox.BaseUrl;
        start.Environment["Zendesk__Email"] = SandboxServer.ZendeskEmail;
        start.Environment["Zendesk__ApiToken"] = SandboxServer.ZendeskToken;
        return start;
    }
}
