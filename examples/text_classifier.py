"""A small, real text classifier for transformers' Trainer: made here, nothing from the hub.

The data are short movie-review sentences with a sentiment label (1 positive, 0 negative),
generated from word lists with a fixed seed: 2400 to train on (150 steps an epoch at batch 16;
the model needs about 200 steps before it beats the majority class), 120 to evaluate on.
Negations ("was not good") and contrasts ("... but the ending was dull") make word counts
alone insufficient; neutral sentences with a coin-flip label and 5% flipped labels cap
accuracy near 90%.

The tokenizer is a BPE vocabulary trained on the training sentences when asked for,
and kept in memory. The model is a tiny BERT built from a config.

Importing this module costs torch only; transformers is imported by the functions that use it.
"""

from __future__ import annotations

import json
import random

import numpy as np
import torch

SUBJECTS = [
    "movie", "film", "plot", "acting", "script", "ending", "story", "cast", "music", "dialogue",
    "pacing", "soundtrack", "director", "camera work", "lead actor", "villain", "sequel", "finale",
]
POSITIVE = [
    "good", "great", "wonderful", "moving", "clever", "funny", "charming", "superb", "delightful",
    "gripping", "beautiful", "fresh", "brilliant", "touching", "sharp", "engaging",
]
NEGATIVE = [
    "bad", "dull", "boring", "awful", "clumsy", "weak", "tedious", "messy", "bland", "predictable",
    "silly", "painful", "shallow", "forgettable", "sloppy", "lifeless",
]
NEUTRAL = ["long", "short", "loud", "quiet", "strange", "different", "okay", "unusual", "familiar"]
INTENSIFIERS = ["", "", "very ", "really ", "quite ", "rather ", "truly ", "incredibly "]
LIKED = ["love", "enjoy", "like", "admire", "recommend"]
DISLIKED = ["hate", "dislike", "regret", "resent", "avoid"]
PAST = {"love": "loved", "enjoy": "enjoyed", "like": "liked", "admire": "admired", "recommend": "recommended",
        "hate": "hated", "dislike": "disliked", "regret": "regretted", "resent": "resented", "avoid": "avoided"}

TRAIN_SIZE, EVAL_SIZE = 2400, 120
LABEL_NOISE = 0.05
MAX_LENGTH = 64
VOCAB_SIZE = 600
SPECIAL_TOKENS = {"pad_token": "[PAD]", "unk_token": "[UNK]", "cls_token": "[CLS]", "sep_token": "[SEP]",
                  "mask_token": "[MASK]"}


def _sentence(rng: random.Random) -> tuple[str, int]:
    """One sentence and its true label, from one of five templates."""
    subject = rng.choice(SUBJECTS)
    label = rng.randint(0, 1)
    adjective = rng.choice(POSITIVE if label else NEGATIVE)
    kind = rng.choices(["plain", "negated", "contrast", "verb", "neutral"], weights=[35, 20, 20, 15, 10])[0]
    if kind == "plain":
        return f"the {subject} was {rng.choice(INTENSIFIERS)}{adjective} .", label
    if kind == "negated":
        return f"the {subject} was not {adjective} .", 1 - label
    if kind == "contrast":
        first = rng.choice(NEGATIVE if label else POSITIVE)
        return f"the {rng.choice(SUBJECTS)} was {first} but the {subject} was {adjective} .", label
    if kind == "verb":
        verb = rng.choice(LIKED if label else DISLIKED)
        if rng.random() < 0.4:
            return f"i did not {verb} the {subject} .", 1 - label
        return f"i {PAST[verb]} the {subject} .", label
    return f"the {subject} was {rng.choice(NEUTRAL)} .", label


def sentences(n: int, seed: int) -> list[tuple[str, int]]:
    """`n` (text, label) pairs, the same for the same seed; a LABEL_NOISE share of labels is flipped."""
    rng = random.Random(seed)
    pairs = []
    for _ in range(n):
        text, label = _sentence(rng)
        pairs.append((text, 1 - label if rng.random() < LABEL_NOISE else label))
    return pairs


def train_sentences() -> list[tuple[str, int]]:
    return sentences(TRAIN_SIZE, seed=0)


def eval_sentences() -> list[tuple[str, int]]:
    return sentences(EVAL_SIZE, seed=1)


def make_tokenizer(texts: list[str] | None = None):
    """A BPE tokenizer trained on `texts` (default: the training sentences), as a PreTrainedTokenizerFast.

    Lower-cases, splits on whitespace and punctuation, and wraps each text as [CLS] ... [SEP].
    Its ids are below VOCAB_SIZE, the size of the model's embedding table, and the same on every
    run: the trainer breaks ties between equally frequent pairs differently from run to run, so the
    vocabulary is renumbered (special tokens, then whole words of `texts`, then the other pieces).
    """
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    if texts is None:
        texts = [text for text, _ in train_sentences()]
    specials = list(SPECIAL_TOKENS.values())
    core = Tokenizer(models.BPE(unk_token=SPECIAL_TOKENS["unk_token"], end_of_word_suffix="</w>"))
    core.normalizer = normalizers.BertNormalizer(lowercase=True)
    core.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    core.decoder = decoders.BPEDecoder(suffix="</w>")
    trainer = trainers.BpeTrainer(vocab_size=VOCAB_SIZE, special_tokens=specials, end_of_word_suffix="</w>")
    core.train_from_iterator(texts, trainer)
    split = core.pre_tokenizer.pre_tokenize_str
    words = {word + "</w>" for text in texts for word, _ in split(core.normalizer.normalize_str(text))}
    trained = json.loads(core.to_str())["model"]
    rank = {token: i for i, token in enumerate(specials)}
    order = sorted(trained["vocab"], key=lambda token: (rank.get(token, len(rank)), token not in words, token))
    core.model = models.BPE(
        vocab={token: i for i, token in enumerate(order)},
        merges=[tuple(merge) for merge in trained["merges"]],
        unk_token=SPECIAL_TOKENS["unk_token"],
        end_of_word_suffix="</w>",
    )
    cls, sep = SPECIAL_TOKENS["cls_token"], SPECIAL_TOKENS["sep_token"]
    core.post_processor = processors.TemplateProcessing(
        single=f"{cls} $A {sep}",
        pair=f"{cls} $A {sep} $B {sep}",
        special_tokens=[(cls, core.token_to_id(cls)), (sep, core.token_to_id(sep))],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=core,
        model_max_length=MAX_LENGTH,
        model_input_names=["input_ids", "attention_mask"],
        **SPECIAL_TOKENS,
    )


class SentimentDataset(torch.utils.data.Dataset):
    """Tokenized (text, label) pairs; items are unpadded, for DataCollatorWithPadding to pad per batch."""

    def __init__(self, pairs: list[tuple[str, int]], tokenizer):
        texts, self.labels = zip(*pairs)
        self.encodings = tokenizer(list(texts), truncation=True)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        item = {name: values[i] for name, values in self.encodings.items()}
        item["labels"] = self.labels[i]
        return item


def model_init(trial=None):
    """A tiny BERT classifier (hidden 32, 2 layers, 2 heads), freshly initialised.

    Dropout rule: with a trial, `hidden_dropout_prob` (else `dropout`) is read from `trial.params`
    when the trial has `.params` (an Optuna trial, an hpcore trial), else from the trial itself as
    a dict (a Ray Tune config); it defaults to 0.1 when absent or with no trial. transformers' own
    Optuna search calls model_init before hp_space, with `trial.params` still empty: there the
    default applies.
    """
    from transformers import BertConfig, BertForSequenceClassification

    params = {} if trial is None else trial.params if hasattr(trial, "params") else trial
    dropout = params.get("hidden_dropout_prob", params.get("dropout", 0.1))
    config = BertConfig(
        vocab_size=VOCAB_SIZE,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=MAX_LENGTH,
        hidden_dropout_prob=float(dropout),
        num_labels=2,
    )
    return BertForSequenceClassification(config)


def compute_metrics(eval_pred) -> dict[str, float]:
    """Accuracy of the arg-max class against the labels."""
    logits, labels = eval_pred.predictions, eval_pred.label_ids
    if isinstance(logits, tuple):
        logits = logits[0]
    return {"accuracy": float(np.mean(np.argmax(logits, axis=-1) == labels))}


TINY_TRAINING = dict(  # on the CPU, seeded, 2 epochs of batch 16, evaluated each epoch, nothing saved, logged or reported
    num_train_epochs=2,
    per_device_train_batch_size=16,
    eval_strategy="epoch",
    save_strategy="no",
    logging_strategy="no",
    report_to="none",
    disable_tqdm=True,
    use_cpu=True,
    seed=0,
)


def make_trainer(output_dir, **training_args):
    """A Trainer of `model_init` on the training sentences, evaluated on the eval sentences.

    Any keyword is a TrainingArguments field and overrides the tiny defaults here
    (CPU, seed 0, learning rate 1e-3, 2 epochs of batch 16, evaluation each epoch, no checkpoints,
    no logging, no reporting, no metrics printed). Sets torch to one thread for the process: a model this small gains
    nothing from more, and on busy shared cores two threads train it tens of times slower.
    """
    from transformers import DataCollatorWithPadding, PrinterCallback, Trainer, TrainingArguments

    torch.set_num_threads(1)
    settings = {**TINY_TRAINING, "learning_rate": 1e-3, "per_device_eval_batch_size": 64, **training_args}
    pairs = train_sentences()
    tokenizer = make_tokenizer([text for text, _ in pairs])
    trainer = Trainer(
        model_init=model_init,
        args=TrainingArguments(str(output_dir), **settings),
        train_dataset=SentimentDataset(pairs, tokenizer),
        eval_dataset=SentimentDataset(eval_sentences(), tokenizer),
        processing_class=tokenizer,
        compute_metrics=compute_metrics,
        data_collator=DataCollatorWithPadding(tokenizer),
    )
    trainer.remove_callback(PrinterCallback)  # it prints every evaluation's metrics
    return trainer
