import { useEffect, useState } from 'react';
import { jitteredBackoff } from '../../runner/backoff.js';
import { errorText, followEvents, type Job, type Step } from '../lib/api.js';
import { downloadFile } from '../lib/download.js';
import { elapsed } from '../lib/format.js';
import { usePoll } from '../lib/hooks.js';
import { LogModel } from '../lib/log-model.js';
import { LogViewer } from './LogViewer.js';
import { Markdown } from './Markdown.js';
import { StatusIcon, StatusLabel } from './Status.js';

interface JobDetail { job: Job & { summary?: string }; steps: Step[]; summary?: string }

/** The selected job: why it waits, its steps, its live log and its step summary. */
export function JobPanel({ job, path, now }: { job: Job; path: string; now: number }) {
  const done = job.status === 'completed';
  const { data } = usePoll<JobDetail>(`/jobs/${job.id}`, done ? 0 : 1000);
  const [model, setModel] = useState(() => new LogModel());
  const [version, setVersion] = useState(0);
  const [logError, setLogError] = useState<string>();

  useEffect(() => {
    const ctl = new AbortController();
    let stop = false;
    (async () => {
      for (let failures = 0; !stop; ) {
        // Each connection replays the log from its start, so it gets a fresh model.
        const m = new LogModel();
        setModel(m);
        setVersion(0);
        try {
          await followEvents(
            `/jobs/${job.id}/logs?follow=1`,
            (e) => {
              if (e.event === 'log') {
                m.append(e.data);
                setVersion(m.version);
              } else if (e.event === 'end') stop = true;
            },
            ctl.signal,
          );
          // A stream that ends without its `end` event was cut off (a server restart): reconnect.
          if (stop) setLogError(undefined);
          else throw new Error('the stream ended early');
        } catch (e) {
          if (ctl.signal.aborted) return;
          setLogError(`log connection lost (${errorText(e)}); reconnecting`);
          // Jittered, so every open page does not reconnect to a restarted server at the same moment.
          await new Promise((r) => setTimeout(r, jitteredBackoff(failures++, 250, 5000)));
        }
      }
    })();
    return () => {
      stop = true;
      ctl.abort();
    };
  }, [job.id, job.attempt]);

  const steps = data?.steps ?? [];
  const summary = data?.summary ?? data?.job.summary;
  return (
    <section className="job-panel" aria-labelledby="job-h" data-testid="job-panel">
      <div className="run-head">
        <h2 id="job-h">{job.name || job.key}</h2>
        <StatusLabel status={job.status} conclusion={job.conclusion} />
        <span className="muted">{elapsed(job.startedAt, job.finishedAt, now)}</span>
      </div>
      {(job.waitingReason || job.reason) && <p className="muted" data-testid="job-reason">{job.waitingReason ?? job.reason}</p>}
      {steps.length > 0 && (
        <ol className="steps" aria-label="Steps">
          {steps.map((s) => (
            <li key={`${s.number}`}>
              <StatusIcon status={s.status} conclusion={s.conclusion} /> {s.name}
              <span className="muted"> {elapsed(s.startedAt, s.finishedAt, now)}</span>
            </li>
          ))}
        </ol>
      )}
      {logError && <p className="muted" role="status">{logError}</p>}
      <LogViewer model={model} version={version} path={path} live={!done} onDownload={() => void downloadFile(`/jobs/${job.id}/logs`, `${job.key.replace(/[^\w.-]+/g, '_')}.log`)} />
      {summary && (
        <section className="summary card" aria-label="Step summary" data-testid="summary">
          <h3>Summary</h3>
          <Markdown source={summary} />
        </section>
      )}
    </section>
  );
}
