namespace FlexZendesk.Functions.Gates;

/// <summary>
/// Puts an <see cref="IFunctionGate"/> in front of an HTTP function. The Functions host runs it in the worker
/// middleware (<see cref="GateMiddleware"/>), the no-host runner inline in each function's endpoint delegate before
/// the function body: one declaration, both hosts.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public abstract class FunctionGateAttribute(Type gate) : Attribute
{
    public Type GateType { get; } = gate;
}
