"""The example text classifier trains for real: better than chance at a sensible learning rate."""

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("transformers")

EXAMPLE = Path(__file__).parent.parent.parent / "examples" / "text_classifier.py"


@pytest.fixture(scope="module")
def text_classifier():
    spec = importlib.util.spec_from_file_location("text_classifier", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_data_are_the_same_each_time_and_both_labels_occur(text_classifier):
    assert text_classifier.sentences(50, seed=3) == text_classifier.sentences(50, seed=3)
    assert {label for _, label in text_classifier.eval_sentences()} == {0, 1}


def test_model_init_reads_dropout_from_a_trial_with_params_or_a_dict(text_classifier):
    class Trial:
        params = {"hidden_dropout_prob": 0.3}

    assert text_classifier.model_init(Trial()).config.hidden_dropout_prob == 0.3
    assert text_classifier.model_init({"dropout": 0.2}).config.hidden_dropout_prob == 0.2
    assert text_classifier.model_init().config.hidden_dropout_prob == 0.1


def test_training_beats_chance_at_a_sensible_learning_rate(text_classifier, tmp_path):
    trainer = text_classifier.make_trainer(tmp_path, learning_rate=3e-3)
    trainer.train()
    assert trainer.evaluate()["eval_accuracy"] > 0.7


@pytest.mark.parametrize("backend", ["optuna", "wandb"])
def test_a_search_tunes_the_classifier_and_dropout_reaches_the_model(text_classifier, tmp_path, backend):
    import hpcore
    from hpcore.integrations.transformers import hyperparameter_search

    dropouts = []

    def model_init(trial=None):
        model = text_classifier.model_init(trial)
        dropouts.append(model.config.hidden_dropout_prob)
        return model

    trainer = text_classifier.make_trainer(tmp_path, num_train_epochs=1)
    trainer.model_init = model_init
    space = {"learning_rate": hpcore.Categorical([3e-3]), "hidden_dropout_prob": hpcore.Float(0.0, 0.3)}
    options = {"mode": "offline", "dir": str(tmp_path)} if backend == "wandb" else {}
    best = hyperparameter_search(trainer, hp_space=space, n_trials=2, backend=backend, seed=0, direction="maximize",
                                 compute_objective=lambda metrics: metrics["eval_accuracy"], **options)
    trials = best.run_summary.result.trials
    assert dropouts == [t.params["hidden_dropout_prob"] for t in trials]
    assert 0.5 < best.objective <= 1.0
