import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitText } from '../src/split-text';

test('first sentence is the degradation, the rest the caption', () => {
  assert.deepEqual(splitText(' Medium blur, small noise. The image features a lion. It rests. '), {
    raw: ' Medium blur, small noise. The image features a lion. It rests. ',
    degradation: 'Medium blur, small noise.',
    caption: 'The image features a lion. It rests.',
  });
});

test('a decimal point does not end the sentence; no terminator keeps all as degradation', () => {
  assert.equal(splitText('Noise 0.5 sigma! A cat.').degradation, 'Noise 0.5 sigma!');
  assert.deepEqual(splitText('large blur'), { raw: 'large blur', degradation: 'large blur', caption: '' });
  assert.deepEqual(splitText(''), { raw: '', degradation: '', caption: '' });
});
