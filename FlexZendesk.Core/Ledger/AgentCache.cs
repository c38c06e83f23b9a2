using Azure.Data.Tables;
using FlexZendesk.Core.Storage;
using Microsoft.Extensions.Options;

namespace FlexZendesk.Core.Ledger;

/// <summary>
/// Flex worker → Zendesk agent, shared by every instance (<c>{prefix}Agents</c>, one row per worker SID). A row holds
/// the answer for the e-mail it was found with (a hash of it: a worker whose SSO e-mail changed is looked up again),
/// and lives a day when it names an agent, ten minutes when it names none (a newly added agent is found soon).
/// </summary>
public sealed class AgentCache(StorageClients storage, IOptions<LedgerOptions> options, TimeProvider clock)
{
    public static readonly TimeSpan KnownLifetime = TimeSpan.FromHours(24);
    public static readonly TimeSpan UnknownLifetime = TimeSpan.FromMinutes(10);

    private readonly Lazy<TableClient> _table = new(() => storage.Tables.GetTableClient(options.Value.TablePrefix + "Agents"));

    /// <returns>Found: the cached answer (an agent id, or null for "no agent has this e-mail"); not found: ask Zendesk.</returns>
    public async Task<(bool Found, long? AgentId)> FindAsync(string workerSid, string emailKey, CancellationToken cancellationToken)
    {
        var row = await Tables.RunAsync(_table.Value, t => t.GetEntityIfExistsAsync<TableEntity>("worker", workerSid, cancellationToken: cancellationToken), cancellationToken);
        if (!row.HasValue || row.Value!.GetString("EmailKey") != emailKey || row.Value.GetDateTimeOffset("CheckedAt") is not { } checkedAt)
        {
            return (false, null);
        }

        var agentId = row.Value.GetInt64("AgentId");
        var lifetime = agentId is null ? UnknownLifetime : KnownLifetime;
        return clock.GetUtcNow() - checkedAt < lifetime ? (true, agentId) : (false, null);
    }

    public Task RememberAsync(string workerSid, string emailKey, long? agentId, CancellationToken cancellationToken) =>
        Tables.RunAsync(_table.Value, t => t.UpsertEntityAsync(
            new TableEntity("worker", workerSid) { ["EmailKey"] = emailKey, ["AgentId"] = agentId, ["CheckedAt"] = clock.GetUtcNow() },
            TableUpdateMode.Replace, cancellationToken), cancellationToken);

    /// <summary>Zendesk refused the cached agent (deleted, downgraded): the next lookup asks Zendesk.</summary>
    public Task ForgetAsync(string workerSid, CancellationToken cancellationToken) =>
        Tables.RunAsync(_table.Value, t => t.DeleteEntityAsync("worker", workerSid, cancellationToken: cancellationToken), cancellationToken);
}
