using FlexZendesk.DevTools;

// Developer commands for a local run (see README "Run locally"). Settings come from the same
// environment variables as the app: AzureWebJobsStorage, Twilio__AuthToken, Twilio__WebhookBaseUrl, ...
return args.FirstOrDefault() switch
{
    "send-sample" => await SampleCallback.SendAsync(DevSettings.FromEnvironment(), args.Skip(1).FirstOrDefault() ?? "task.created"),
    "peek" => await QueuePeek.PrintAsync(DevSettings.FromEnvironment()),
    "demo" => await Demo.RunAsync(DevSettings.FromEnvironment()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: FlexZendesk.DevTools send-sample [eventType] | peek | demo");
    return 2;
}
