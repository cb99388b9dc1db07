import assert from 'node:assert/strict';
import { test } from 'node:test';
import { looksBinary, outputText, stripTerminalEscapes } from '../../src/domain/terminal-text';

test('terminal escapes are removed, text kept', () => {
  assert.equal(stripTerminalEscapes('\u001b[2J\u001b[31mred\u001b[0m'), 'red');
  assert.equal(stripTerminalEscapes('a\u001b]0;title\u0007b'), 'ab');
  assert.equal(stripTerminalEscapes('x\u001b]52;c;ZXZpbA==\u001b\\y'), 'xy'); // OSC 52 clipboard write
  assert.equal(stripTerminalEscapes('line1\r\nline2\n\ttab'), 'line1\nline2\n\ttab');
  assert.equal(stripTerminalEscapes('bell\u0007'), 'bell\ufffd');
  assert.equal(stripTerminalEscapes('中文 日本語'), '中文 日本語');
});

test('binary output is summarized, not dumped', () => {
  const bin = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]);
  assert.equal(looksBinary(bin), true);
  assert.deepEqual(outputText(bin), { text: '[binary output, 8 bytes]', binary: true });
  assert.equal(looksBinary(Buffer.from('plain text\n')), false);
  assert.equal(outputText(Buffer.from('ok\n')).text, 'ok\n');
});
