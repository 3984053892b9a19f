import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../lib/cli/args.js';
import { modelEntries, routeLines } from '../../../lib/cli/commands/serve.js';

describe('serve --model NAME=DIR', () => {
  it('reads NAME=DIR, and names a bare DIR after its folder', () => {
    expect(modelEntries(['co2=models/co2', 'models/co2-int8', 'x=a=b'])).toEqual([
      ['co2', 'models/co2'],
      ['co2-int8', 'models/co2-int8'],
      ['x', 'a=b'],
    ]);
    expect(modelEntries(['models/co2/'])).toEqual([['co2', 'models/co2/']]);
  });

  it('refuses malformed and repeated names as usage errors', () => {
    const fails = (values: string[]): string => {
      try {
        modelEntries(values);
      } catch (err) {
        expect(err).toBeInstanceOf(UsageError);
        return (err as Error).message;
      }
      throw new Error('expected a UsageError');
    };
    expect(fails(['co2='])).toMatch(/no directory after "="/);
    expect(fails(['=models/co2'])).toMatch(/Expected a model name .* but received ""/);
    expect(fails(['a b=m'])).toMatch(/received "a b"/);
    expect(fails(['models/my model'])).toMatch(/give one: --model NAME=models\/my model/);
    expect(fails(['a=m1', 'a=m2'])).toMatch(/Two --model options serve the name "a"/);
    expect(fails(['m', 'other/m'])).toMatch(/name "m"/);
  });
});

describe('serve routes', () => {
  it('prints parseable endpoint lines and the routes of each model', () => {
    const lines = routeLines({ host: '127.0.0.1', grpcPort: 8001, httpPort: 8000 }, ['co2']);
    expect(lines[0]).toBe('grpc: 127.0.0.1:8001');
    expect(lines[1]).toBe('http: http://127.0.0.1:8000');
    expect(lines).toContain('  POST http://127.0.0.1:8000/v1/models/co2:predict  (TF Serving: {"instances": [...]})');
    expect(lines.some((l) => l.startsWith('  POST http://127.0.0.1:8000/v2/models/co2/infer'))).toBe(true);
    expect(routeLines({ host: '::', grpcPort: 5, httpPort: 6 }, ['a'])[1]).toBe('http: http://[::]:6');
  });
});
