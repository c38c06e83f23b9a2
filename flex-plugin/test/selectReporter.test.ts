import { reportSelected, type Fetch } from '../src/selectReporter';

const task = { taskSid: 'WT0123456789abcdef0123456789abcdef' };

function recorder(status = 202) {
  const calls: { url: string; init: Parameters<Fetch>[1] }[] = [];
  const fetchFn: Fetch = async (url, init) => {
    calls.push({ url, init });
    return { status };
  };
  return { calls, fetchFn };
}

describe('reportSelected', () => {
  it('posts the task with the agent token read at the time of the call', async () => {
    const { calls, fetchFn } = recorder();
    let current = 'token-1';
    const token = () => current;

    await reportSelected(task, token, 'https://app.example.test', fetchFn);
    current = 'token-2-refreshed';
    const status = await reportSelected(task, token, 'https://app.example.test', fetchFn);

    expect(status).toBe(202);
    expect(calls.map((c) => c.url)).toEqual(['https://app.example.test/api/flex/tasks/selected', 'https://app.example.test/api/flex/tasks/selected']);
    expect(calls.map((c) => JSON.parse(c.init.body))).toEqual([
      { taskSid: task.taskSid, token: 'token-1' },
      { taskSid: task.taskSid, token: 'token-2-refreshed' },
    ]);
    expect(calls[0].init.method).toBe('POST');
    expect(calls[0].init.headers['Content-Type']).toBe('application/json');
  });

  it('sends nothing without a task, a task SID, a token or an app URL', async () => {
    const { calls, fetchFn } = recorder();

    const answers = await Promise.all([
      reportSelected(undefined, () => 't', 'https://app.example.test', fetchFn),
      reportSelected({}, () => 't', 'https://app.example.test', fetchFn),
      reportSelected({ taskSid: 'WR0123456789abcdef0123456789abcdef' }, () => 't', 'https://app.example.test', fetchFn),
      reportSelected(task, () => undefined, 'https://app.example.test', fetchFn),
      reportSelected(task, () => 't', '', fetchFn),
    ]);

    expect(answers).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(calls).toHaveLength(0);
  });

  it('answers 0 when the app cannot be reached, without throwing into Flex', async () => {
    const failing: Fetch = () => Promise.reject(new TypeError('Failed to fetch'));
    await expect(reportSelected(task, () => 't', 'https://app.example.test', failing)).resolves.toBe(0);
  });
});
