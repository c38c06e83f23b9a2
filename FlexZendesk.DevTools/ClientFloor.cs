using System.Globalization;
using System.Text;
using FlexZendesk.Core.Storage;
using Microsoft.Extensions.Options;

namespace FlexZendesk.DevTools;

/// <summary>
/// The wrk floor's request sent from .NET instead of wrk (scripts/bench-wrk's second table): the same message into
/// the same queue of the same Azurite, once as the floor's raw REST request through <c>HttpClient</c>, once through
/// the app's own <c>QueueClient</c> settings (<see cref="StorageClients"/>, SharedKey), with the given connections.
/// Separates what the app's storage send costs (its client, the SDK) from what its front costs.
/// </summary>
internal static class ClientFloor
{
    public static async Task<int> RunAsync(DevSettings settings, string directory, int concurrency, int requests)
    {
        var url = new Uri(await File.ReadAllTextAsync(Path.Combine(directory, "floor.url")));
        var message = await File.ReadAllTextAsync(Path.Combine(directory, "floor.xml"));
        var envelope = Convert.FromBase64String(message.Split("<MessageText>")[1].Split("</MessageText>")[0]);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = Timeout.InfiniteTimeSpan });
        var queue = new StorageClients(Options.Create(new StorageOptions { ConnectionString = settings.Storage })).Queues.GetQueueClient(WrkSetup.FloorQueue);
        var placeholder = new IngressBench.Callback([], "", [], "");

        async Task<bool> Raw(IngressBench.Callback _)
        {
            using var content = new StringContent(message, Encoding.UTF8, "application/xml");
            using var response = await http.PostAsync(url, content);
            return response.IsSuccessStatusCode;
        }

        async Task<bool> Sdk(IngressBench.Callback _)
        {
            await queue.SendMessageAsync(BinaryData.FromBytes(envelope));
            return true;
        }

        async Task<(IngressBench.Result Result, double CpuMicros)> Side(Func<IngressBench.Callback, Task<bool>> send)
        {
            await IngressBench.Measure(Enumerable.Repeat(placeholder, 2000).ToArray(), concurrency, send);
            await WrkSetup.ResetFloorAsync(settings);
            var before = Environment.CpuUsage.TotalTime;
            var result = await IngressBench.Measure(Enumerable.Repeat(placeholder, requests).ToArray(), concurrency, send);
            var cpu = (Environment.CpuUsage.TotalTime - before).TotalMilliseconds * 1000 / requests;
            await WrkSetup.ResetFloorAsync(settings);
            return (result, cpu);
        }

        var (raw, rawCpu) = await Side(Raw);
        var (sdk, sdkCpu) = await Side(Sdk);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {concurrency} | {raw.Rate:F0} | {raw.P50:F2} | {rawCpu:F0} | {sdk.Rate:F0} | {sdk.P50:F2} | {sdkCpu:F0} | {raw.Failures}/{sdk.Failures} |"));
        return raw.Failures + sdk.Failures == 0 ? 0 : 1;
    }
}
