using System.Reflection;

namespace FlexZendesk.Standalone;

/// <summary>
/// Calls a function as the worker does: a new instance per invocation from the invocation's services (constructor
/// injection), its arguments bound by parameter type, its exceptions unwrapped, its task awaited.
/// </summary>
public static class FunctionInvoker
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<MethodInfo, Invocation> Invocations = new();

    public static async Task<object?> InvokeAsync(MethodInfo method, IServiceProvider services, Func<ParameterInfo, object?> bind)
    {
        // What reflection would find again on every call (constructor match, parameters, the Task's Result) is found once per function.
        var invocation = Invocations.GetOrAdd(method, static m => new Invocation(m));
        var target = invocation.Create?.Invoke(services, null);
        var arguments = Array.ConvertAll(invocation.Parameters, p => bind(p));
        var returned = method.Invoke(target, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null);
        switch (returned)
        {
            case Task task:
                await task;
                return invocation.Result?.GetValue(task);
            case ValueTask valueTask:
                await valueTask;
                return null;
            default:
                return returned;
        }
    }

    private sealed class Invocation(MethodInfo method)
    {
        public ObjectFactory? Create { get; } = method.IsStatic ? null : ActivatorUtilities.CreateFactory(method.DeclaringType!, Type.EmptyTypes);

        public ParameterInfo[] Parameters { get; } = method.GetParameters();

        public PropertyInfo? Result { get; } = method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>)
            ? method.ReturnType.GetProperty(nameof(Task<object>.Result))
            : null;
    }

    /// <summary>
    /// Fails at start, naming the function, for what this runner cannot give or take: a parameter other than the
    /// ones it binds, or an output binding (none of the functions declares one; they enqueue through
    /// EventQueueWriter, which answers 503 when storage is down instead of failing after the function returned).
    /// </summary>
    public static void EnsureBindable(string function, MethodInfo method, Func<ParameterInfo, bool> bindable)
    {
        var result = method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>)
            ? method.ReturnType.GetGenericArguments()[0]
            : method.ReturnType;
        var outputs = method.ReturnParameter.GetCustomAttributes(inherit: true)
            .Concat(result.GetProperties().SelectMany(p => p.GetCustomAttributes(inherit: true)))
            .OfType<Microsoft.Azure.Functions.Worker.Extensions.Abstractions.OutputBindingAttribute>();
        if (outputs.FirstOrDefault() is { } output)
        {
            throw new InvalidOperationException($"Function {function}: output binding {output.GetType().Name} is not served without a Functions host.");
        }

        foreach (var parameter in method.GetParameters())
        {
            if (!bindable(parameter))
            {
                throw new InvalidOperationException(
                    $"Function {function}: parameter {parameter.Name} ({parameter.ParameterType.Name}) cannot be bound without a Functions host; take services by constructor.");
            }
        }
    }
}
