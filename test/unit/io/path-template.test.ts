/**
 * Checkpoint path templates against Python's `str.format` (expected strings produced by
 * CPython 3.11 with the same templates and values).
 */
import { describe, expect, it } from 'vitest';
import { formatTemplate, pyRepr, type TemplateValue } from '../../../lib/io/path-template.js';

const int = (n: number): TemplateValue => ({ int: n });

describe('formatTemplate', () => {
  it.each<[string, Record<string, TemplateValue>, string]>([
    ['{epoch:02d}', { epoch: int(3) }, '03'],
    ['{epoch}', { epoch: int(12) }, '12'],
    ['{epoch:03}', { epoch: int(7) }, '007'],
    ['{val_loss:.4f}', { val_loss: 0.123456 }, '0.1235'],
    ['{val_loss:.2f}', { val_loss: 0.125 }, '0.12'],
    ['{val_loss:.2f}', { val_loss: 0.375 }, '0.38'],
    ['{val_loss}', { val_loss: 0.1 }, '0.1'],
    ['{val_loss}', { val_loss: 1.0 }, '1.0'],
    ['{val_loss}', { val_loss: 1e-5 }, '1e-05'],
    ['{val_loss}', { val_loss: 1.5e16 }, '1.5e+16'],
    ['{val_loss}', { val_loss: 123456.789 }, '123456.789'],
    ['{val_loss}', { val_loss: Infinity }, 'inf'],
    ['{val_loss}', { val_loss: NaN }, 'nan'],
    ['{val_loss:.3e}', { val_loss: 0.000123456 }, '1.235e-04'],
    ['{val_loss:e}', { val_loss: 12345.678 }, '1.234568e+04'],
    ['{val_loss:g}', { val_loss: 0.0001234 }, '0.0001234'],
    ['{val_loss:g}', { val_loss: 0.00001234 }, '1.234e-05'],
    ['{val_loss:.3g}', { val_loss: 1234.5 }, '1.23e+03'],
    ['{val_loss:.3g}', { val_loss: 2.0 }, '2'],
    ['{val_loss:.3}', { val_loss: 2.0 }, '2.0'],
    ['{val_loss:.3}', { val_loss: 1234.5 }, '1.23e+03'],
    ['{val_loss:8.3f}', { val_loss: -1.5 }, '  -1.500'],
    ['{val_loss:08.3f}', { val_loss: -1.5 }, '-001.500'],
    ['{val_loss:<8.2f}|', { val_loss: 1.5 }, '1.50    |'],
    ['{val_loss:*^9.1f}', { val_loss: 1.5 }, '***1.5***'],
    ['{val_loss:+.2f}', { val_loss: 1.5 }, '+1.50'],
    ['{val_loss:.1%}', { val_loss: 0.1234 }, '12.3%'],
    ['{val_loss:,.2f}', { val_loss: 1234567.891 }, '1,234,567.89'],
    ['{epoch:x}', { epoch: int(255) }, 'ff'],
    ['{epoch:#b}', { epoch: int(5) }, '0b101'],
    ['{epoch:.2f}', { epoch: int(5) }, '5.00'],
    ['{epoch:+d}', { epoch: int(5) }, '+5'],
    ['{val_loss:.2f}', { val_loss: -0 }, '-0.00'],
    ['{val_loss:.4F}', { val_loss: Infinity }, 'INF'],
    ['{val_loss:G}', { val_loss: 1e-10 }, '1E-10'],
    ['{{epoch}}-{epoch}', { epoch: int(1) }, '{epoch}-1'],
    ['weights.{epoch:02d}-{val_loss:.2f}.weights.safetensors', { epoch: int(9), val_loss: 0.4567 }, 'weights.09-0.46.weights.safetensors'],
  ])('%s with %o gives %s, as Python', (template, values, expected) => {
    expect(formatTemplate(template, values)).toBe(expected);
  });

  it('a path without fields is returned as is', () => {
    expect(formatTemplate('ckpt/best.weights.safetensors', { epoch: int(1) })).toBe('ckpt/best.weights.safetensors');
  });

  it('names a missing field and the available ones (Keras raises a KeyError)', () => {
    expect(() => formatTemplate('m-{val_mae:.2f}', { epoch: int(1), loss: 0.5 })).toThrow(
      'Failed to format this callback filepath: "m-{val_mae:.2f}". Reason: no value for "val_mae" (available: epoch, loss)',
    );
  });

  it('rejects what Python rejects: d on a float, precision on an int, bad specs, unmatched braces, attribute fields', () => {
    expect(() => formatTemplate('{loss:d}', { loss: 0.5 })).toThrow(/Unknown format code 'd' for object of type 'float'/);
    expect(() => formatTemplate('{epoch:.2d}', { epoch: int(1) })).toThrow(/Precision not allowed/);
    expect(() => formatTemplate('{loss:.2q}', { loss: 0.5 })).toThrow(/Invalid format specifier/);
    expect(() => formatTemplate('{loss', { loss: 0.5 })).toThrow(/Single '\{'/);
    expect(() => formatTemplate('loss}', { loss: 0.5 })).toThrow(/Single '\}'/);
    expect(() => formatTemplate('{loss.real}', { loss: 0.5 })).toThrow(/Unsupported field/);
  });
});

describe('pyRepr', () => {
  it('writes floats as Python repr does', () => {
    expect([0.1, 1, -2.5, 1e-5, 0.0001, 1e16, 1.5e16, 1e22, 123456789012345.6, -0, -Infinity].map(pyRepr)).toEqual([
      '0.1', '1.0', '-2.5', '1e-05', '0.0001', '1e+16', '1.5e+16', '1e+22', '123456789012345.6', '-0.0', '-inf',
    ]);
  });
});
