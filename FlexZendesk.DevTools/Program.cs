using FlexZendesk.DevTools;

// Developer commands for a local run (docs/running.md). Settings come from the same
// environment variables as the app: AzureWebJobsStorage, Twilio__AuthToken, Twilio__WebhookBaseUrl, ...
return args.FirstOrDefault() switch
{
    "send-sample" => await SampleCallback.SendAsync(DevSettings.FromEnvironment(), args.Skip(1).FirstOrDefault() ?? "task.created"),
    "peek" => await QueuePeek.PrintAsync(DevSettings.FromEnvironment()),
    "demo" => await Demo.RunAsync(DevSettings.FromEnvironment()),
    "soak" => await Soak.RunAsync(DevSettings.FromEnvironment(), Arg(args, 1, 200), Arg(args, 2, 16)),
    "bench-latency" when args.Length >= 5 && args[1] == "load" => await LatencyBench.LoadAsync(DevSettings.FromEnvironment(), Arg(args, 2, 50), Arg(args, 3, 30), args[4]),
    "bench-latency" when args.Length >= 5 && args[1] == "idle" => await LatencyBench.IdleAsync(DevSettings.FromEnvironment(), Arg(args, 2, 8), TimeSpan.FromSeconds(Arg(args, 3, 6)), args[4]),
    "wrk-setup" when args.Length >= 2 => await WrkSetup.WriteAsync(DevSettings.FromEnvironment(), args[1]),
    "client-floor" when args.Length >= 4 => await ClientFloor.RunAsync(DevSettings.FromEnvironment(), args[1], Arg(args, 2, 1), Arg(args, 3, 5000)),
    "reset-floor" => await WrkSetup.ResetFloorAsync(DevSettings.FromEnvironment(), args.Length > 1 ? args[1] : WrkSetup.FloorQueue),
    "bench-select" => await SelectBench.RunAsync(DevSettings.FromEnvironment(), Arg(args, 1, 4), Arg(args, 2, 200)),
    "gap" => await Gap.RunAsync(DevSettings.FromEnvironment(), Arg(args, 1, 200), Arg(args, 2, 8)),
    "bench-ingress" => await IngressBench.RunAsync(DevSettings.FromEnvironment(), Arg(args, 1, 5000), Levels(args, 2, [1, 8, 32, 64]), !args.Contains("--no-header")),
    "bench-e2e" => args.Skip(1).FirstOrDefault() == "budget"
        ? await E2eBench.BudgetAsync(DevSettings.FromEnvironment(), Arg(args, 2, 150), Arg(args, 3, 8))
        : await E2eBench.ScenariosAsync(DevSettings.FromEnvironment(), Arg(args, 2, 100), Arg(args, 3, 8)),
    "bench-start" when args.Length >= 3 => await StartBench.RunAsync(args[1], args[2], args.Length > 3 && !int.TryParse(args[3], out _) ? args[3] : null, Arg(args, args.Length - 1, 10)),
    _ => Usage(),
};

static int Arg(string[] args, int index, int fallback) =>
    args.Length > index && int.TryParse(args[index], System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : fallback;

static int[] Levels(string[] args, int index, int[] fallback) =>
    args.Length > index ? [.. args[index].Split(',').Select(l => int.Parse(l, System.Globalization.CultureInfo.InvariantCulture))] : fallback;

static int Usage()
{
    Console.Error.WriteLine("usage: FlexZendesk.DevTools send-sample [eventType] | peek | demo | soak [lifecycles] [concurrency] | gap [lifecycles] [concurrency] | bench-latency load rate seconds label | bench-latency idle probes idle-seconds label | wrk-setup dir | client-floor dir connections requests | reset-floor [queue] | bench-ingress [requests] [c1,c2,...] [--no-header] | bench-e2e scenarios|budget [lifecycles] [concurrency] | bench-start label executable [dll] [runs]");
    return 2;
}
