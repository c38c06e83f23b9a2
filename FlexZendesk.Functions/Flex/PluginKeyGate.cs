using FlexZendesk.Functions.Gates;
using FlexZendesk.Core.Tickets;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Functions.Flex;

/// <summary>
/// Admits a Flex UI plugin that sends <c>Flex:PluginKey</c> in <c>x-functions-key</c>. The app checks it itself, so
/// it holds without a Functions host too. No key configured: 403 for everyone.
/// </summary>
public sealed class PluginKeyGate(IOptions<FlexOptions> options, ILogger<PluginKeyGate> logger) : IFunctionGate
{
    public ValueTask<IResult?> CheckAsync(HttpContext http) =>
        ValueTask.FromResult(SharedKey.Require(http, options.Value.PluginKey, "plugin", logger));
}
