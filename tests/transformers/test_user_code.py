"""The user's own code on every backend, Ray workers included (issue #21, items 1 and 5): classes
defined in the user's module (a `TrainingArguments` subclass, a callback; the model and config of
regression.py), checkpoints saved by the workers and loaded back here, and sentence-transformers'
`SentenceTransformerTrainer` (a Trainer subclass with arguments of its own) searched with the loss
the user gave."""

import os
from dataclasses import dataclass, field

import pytest
import torch
from regression import make_trainer, model_init
from transformers import TrainerCallback, TrainingArguments

import hpcore
from hpcore.integrations.transformers import hyperparameter_search, load_run

os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")
os.environ.setdefault("TUNE_DISABLE_AUTO_CALLBACK_LOGGERS", "1")


@dataclass
class MyTrainingArguments(TrainingArguments):  # as transformers' own tests write it: two fields more
    extra_a: int = field(default=3)
    extra_b: str = field(default="b")


class MarkEvaluations(TrainerCallback):
    """A callback of the user's: leaves a file in the trial's folder at each evaluation, from wherever it runs."""

    def on_evaluate(self, args, state, control, **kwargs):
        os.makedirs(args.output_dir, exist_ok=True)
        with open(os.path.join(args.output_dir, f"evaluated-{state.global_step}-pid{os.getpid()}"), "w") as f:
            f.write(type(args).__name__)


def user_trainer(out):
    from transformers import Trainer

    args = MyTrainingArguments(
        str(out), extra_a=7, num_train_epochs=2, per_device_train_batch_size=16, eval_strategy="epoch",
        save_strategy="epoch", load_best_model_at_end=True, metric_for_best_model="eval_loss",
        fp16_full_eval=True, report_to="none", use_cpu=True, disable_tqdm=True, learning_rate=0.1,
        logging_strategy="no", save_total_limit=1,
    )
    from regression import RegressionDataset

    return Trainer(model_init=model_init, args=args, train_dataset=RegressionDataset(64),
                   eval_dataset=RegressionDataset(32, seed=7), callbacks=[MarkEvaluations()])


def test_the_users_own_classes_run_in_ray_workers_and_their_checkpoints_load_back(tmp_path, ray_cluster):
    trainer = user_trainer(tmp_path / "out")
    best = hyperparameter_search(
        trainer, hp_space={"learning_rate": hpcore.Float(0.01, 0.2)}, n_trials=2, backend="ray", seed=0,
        storage_path=str(tmp_path / "ray"), hp_name=lambda trial: f"lr-{trial['learning_rate']:.4f}",
    )
    trials = best.run_summary.result.trials
    assert [t.state for t in trials] == [hpcore.TrialState.COMPLETE] * 2, [t.error for t in trials]
    for t in trials:  # hp_name names each trial's folder, in which the worker wrote its checkpoint
        folder = t.user_attrs["output_dir"]
        assert os.path.basename(folder) == f"lr-{t.params['learning_rate']:.4f}"
        marks = [n for n in os.listdir(folder) if n.startswith("evaluated-")]
        assert len(marks) == 2 and all(not n.endswith(f"pid{os.getpid()}") for n in marks), marks  # in a worker
    checkpoint = best.run_summary.checkpoint
    assert checkpoint is not None and checkpoint.startswith(best.run_summary.output_dir + os.sep)
    saved = torch.load(os.path.join(checkpoint, "training_args.bin"), weights_only=False)
    assert type(saved) is MyTrainingArguments and saved.extra_a == 7  # this module's class, loaded back here
    load_run(trainer, best)  # the best run's model: built by model_init, weights from the worker's checkpoint
    state = torch.load(os.path.join(checkpoint, "pytorch_model.bin"), weights_only=True) if os.path.exists(
        os.path.join(checkpoint, "pytorch_model.bin")) else None
    if state is None:
        from safetensors.torch import load_file

        state = load_file(os.path.join(checkpoint, "model.safetensors"))
    assert torch.equal(trainer.model.a.detach(), state["a"]) and torch.equal(trainer.model.b.detach(), state["b"])


def test_the_same_search_runs_in_process_with_the_same_classes(tmp_path):
    trainer = user_trainer(tmp_path / "out")
    best = hyperparameter_search(trainer, hp_space={"learning_rate": hpcore.Float(0.01, 0.2)}, n_trials=1,
                                 backend="optuna", seed=0, hp_name=lambda trial: "only")
    assert best.run_summary.output_dir == os.path.join(str(tmp_path / "out"), "only")
    saved = torch.load(os.path.join(best.run_summary.checkpoint, "training_args.bin"), weights_only=False)
    assert type(saved) is MyTrainingArguments and saved.extra_b == "b"


# -- sentence-transformers' trainer ---------------------------------------------------------------
WORDS = ["the", "a", "cat", "dog", "sat", "ran", "on", "mat", "park", "in", "big", "small"]


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory):
    """A tiny BERT built from a config and a word-level tokenizer, saved to a folder (no hub)."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    folder = tmp_path_factory.mktemp("tiny-bert")
    vocab = {w: i for i, w in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS])}
    core = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=core, pad_token="[PAD]", unk_token="[UNK]", cls_token="[CLS]",
                                        sep_token="[SEP]", mask_token="[MASK]", model_max_length=16)
    tokenizer.save_pretrained(folder)
    torch.manual_seed(0)
    BertModel(BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=32, max_position_embeddings=32)).save_pretrained(folder)
    return str(folder)


def pairs(n, seed):
    import random

    from datasets import Dataset

    rng = random.Random(seed)
    rows = {"sentence1": [], "sentence2": [], "score": []}
    for _ in range(n):
        a = " ".join(rng.choice(WORDS) for _ in range(4))
        b = " ".join(rng.choice(WORDS) for _ in range(4))
        rows["sentence1"].append(a)
        rows["sentence2"].append(b)
        rows["score"].append(len(set(a.split()) & set(b.split())) / 4)
    return Dataset.from_dict(rows)


def st_trainer(folder, out):
    from sentence_transformers import SentenceTransformer, SentenceTransformerTrainer, SentenceTransformerTrainingArguments, losses, models

    def st_model_init(trial=None):
        return SentenceTransformer(modules=[models.Transformer(folder), models.Pooling(16)])

    args = SentenceTransformerTrainingArguments(str(out), num_train_epochs=1, per_device_train_batch_size=8,
                                                eval_strategy="epoch", report_to="none", use_cpu=True,
                                                disable_tqdm=True, logging_strategy="no", save_strategy="no")
    marks = os.path.join(str(out), "losses")

    def loss(model):  # the loss the user gave, built for each trial's model; leaves a mark where it was built
        os.makedirs(marks, exist_ok=True)
        open(os.path.join(marks, f"{os.getpid()}-{len(os.listdir(marks))}"), "w").close()
        return losses.CosineSimilarityLoss(model)

    trainer = SentenceTransformerTrainer(model_init=st_model_init, args=args, train_dataset=pairs(32, 0),
                                         eval_dataset=pairs(16, 1), loss=loss)
    return trainer, marks


@pytest.mark.parametrize("backend", ["optuna", "wandb", "ray"])
def test_sentence_transformers_trainer_searches_with_the_users_loss(tmp_path, tiny_bert, backend, request, monkeypatch):
    if backend == "ray":
        request.getfixturevalue("ray_cluster")
    if backend == "wandb":
        monkeypatch.setenv("WANDB_MODE", "offline")
    trainer, marks = st_trainer(tiny_bert, tmp_path / "out")
    from sentence_transformers import losses

    space = {"learning_rate": hpcore.Float(1e-4, 1e-2, log=True)}
    options = {"storage_path": str(tmp_path / "ray")} if backend == "ray" else {"dir": str(tmp_path)} if backend == "wandb" else {}
    best = hyperparameter_search(trainer, hp_space=space, n_trials=2, backend=backend, seed=0, **options)
    trials = best.run_summary.result.trials
    assert [t.state for t in trials] == [hpcore.TrialState.COMPLETE] * 2, [t.error for t in trials]
    assert all(t.values[0] > 0 for t in trials)  # eval_loss of CosineSimilarityLoss: a mean squared error
    pids = [int(name.split("-")[0]) for name in os.listdir(marks)]
    here = [p for p in pids if p == os.getpid()]
    assert len(here) == 1  # the trainer's own construction
    if backend == "ray":  # the user's loss was built again where trials ran: the trainer rebuilt in a worker
        assert len(pids) >= 2 and len(pids) - len(here) >= 1, pids
    else:  # in process: built once, for the trainer's model; each trial's model is put into it
        assert pids == here, pids
    assert isinstance(trainer.loss, losses.CosineSimilarityLoss)
