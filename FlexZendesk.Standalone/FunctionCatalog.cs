using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace FlexZendesk.Standalone;

/// <summary>
/// The functions of FlexZendesk.Functions, found as the Functions SDK finds them: public methods carrying
/// <see cref="FunctionAttribute"/>, with their trigger attribute. Adding a function needs no second registration.
/// </summary>
public static class FunctionCatalog
{
    public static IReadOnlyList<HttpFunction> Http { get; } = Find(static (method, parameter) =>
        parameter.GetCustomAttribute<HttpTriggerAttribute>() is { } trigger ? new HttpFunction(Name(method), method, trigger) : null);

    public static IReadOnlyList<QueueFunction> Queues { get; } = Find(static (method, parameter) =>
        parameter.GetCustomAttribute<QueueTriggerAttribute>() is { } trigger ? new QueueFunction(Name(method), method, trigger) : null);

    public static IReadOnlyList<TimerFunction> Timers { get; } = Find(static (method, parameter) =>
        parameter.GetCustomAttribute<TimerTriggerAttribute>() is { } trigger ? new TimerFunction(Name(method), method, trigger) : null);

    private static string Name(MethodInfo method) => method.GetCustomAttribute<FunctionAttribute>()!.Name;

    private static List<T> Find<T>(Func<MethodInfo, ParameterInfo, T?> trigger)
        where T : class =>
        [.. from type in typeof(Functions.Hosting.FlexZendeskRegistration).Assembly.GetExportedTypes()
            from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            where method.GetCustomAttribute<FunctionAttribute>() is not null
            from parameter in method.GetParameters()
            let function = trigger(method, parameter)
            where function is not null
            select function];
}

/// <summary>A function with an HTTP trigger: served at <c>/{routePrefix}/{route}</c> for its methods.</summary>
public sealed record HttpFunction(string Name, MethodInfo Method, HttpTriggerAttribute Trigger);

/// <summary>A function with a queue trigger: fed by <see cref="QueueListener"/>.</summary>
public sealed record QueueFunction(string Name, MethodInfo Method, QueueTriggerAttribute Trigger);
