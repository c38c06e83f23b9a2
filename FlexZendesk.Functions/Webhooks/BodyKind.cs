namespace FlexZendesk.Functions.Webhooks;

public enum BodyKind
{
    Unsupported,
    Form,
    Json,
}
