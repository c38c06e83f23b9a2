/** The little of a Flex task the report needs. */
export interface ReportedTask {
  taskSid?: string;
}

export type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body: string; mode?: 'cors' }) => Promise<{ status: number }>;

/**
 * Reports a task the agent selected or accepted to the FlexZendesk app: `POST {appUrl}/api/flex/tasks/selected` with
 * the task SID and the agent's Flex token, read fresh for each call (Flex refreshes it). Nothing without a task, a
 * token or an app URL. Resolves to the answer's status (202: popped and noted), or undefined when nothing was sent.
 */
export async function reportSelected(
  task: ReportedTask | undefined,
  token: () => string | undefined,
  appUrl: string,
  fetchFn: Fetch,
): Promise<number | undefined> {
  const taskSid = task?.taskSid;
  const current = token();
  if (!taskSid || !/^WT[0-9a-fA-F]{32}$/.test(taskSid) || !current || !appUrl) {
    return undefined;
  }

  try {
    const answer = await fetchFn(`${appUrl}/api/flex/tasks/selected`, {
      method: 'POST',
      mode: 'cors',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ taskSid, token: current }),
    });
    return answer.status;
  } catch {
    // The app unreachable: the select is lost for the pop (the agent is looking at the task anyway); the note waits for the next select.
    return 0;
  }
}
