using FlexZendesk.Functions.Gates;

namespace FlexZendesk.Functions.Flex;

/// <summary>The function answers the Flex UI plugin only: <see cref="PluginKeyGate"/> checks <c>Flex:PluginKey</c> first.</summary>
public sealed class PluginKeyAttribute() : FunctionGateAttribute(typeof(PluginKeyGate));
