namespace FlexZendesk.Core.Zendesk;

/// <summary>What one limit's shared budget cost this instance: turns leased, turns that lapsed unused, storage transactions.</summary>
public readonly record struct BudgetUse(long Leased, long Lapsed, long StorageCalls);
