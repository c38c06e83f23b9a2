import { FlexZendeskPlugin } from './FlexZendeskPlugin';

interface FlexRuntime {
  Twilio?: { Flex?: { Plugins?: { init(plugin: new () => FlexZendeskPlugin): void } } };
}

// Flex loads a plugin bundle into its page and the bundle hands Flex its plugin class, as Flex's plugin loader expects.
const runtime = window as unknown as FlexRuntime;
if (runtime.Twilio?.Flex?.Plugins) {
  runtime.Twilio.Flex.Plugins.init(FlexZendeskPlugin);
} else {
  console.warn('FlexZendeskPlugin: this page is not a Flex UI that loads plugins.');
}
