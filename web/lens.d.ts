// The typed reference of window.lens, the JavaScript API of MNIST Lens (web/lens-api.js).
// Shipped beside the page; docs/api.md is the same reference in prose. The browser tests
// type-check their calls against it (tsconfig.json, `npx tsc -p .`).
//
// Two kinds of call:
// - A call that can wait (selectModel, unloadModel, actmax, explain, figure, report, train) returns a
//   Promise. Bad arguments reject it; it never throws.
// - Every other call answers at once and throws on bad arguments.
// Errors are `Error`s whose message starts with "lens.<call>: " and says what was wrong; a
// refused call changes nothing. No Promise hangs: a model switch rejects a pending figure,
// explanation or maximization image, and every training ends one way or another.
//
// Numbering: hidden layers and neurons count from 0 (as in links, on the page and in
// lens-report); the output layer is number H, the count of hidden layers. Layer and neuron
// numbers must be integers from 0 to 2^31 - 1; names (model ids, tabs, figure names) are strings
// of at most 256 characters without NUL or other control characters. A convolutional layer's
// units are its channels: wherever a call takes (layer, neuron), the neuron of such a layer is a
// channel (select, explain, actmax, figure, setNeuronOff; links too).
// If the app inside the page fails (a trap or an abort in wasm), the page shows why with a
// Reload button, and every call then throws or rejects with "lens: the page stopped (...)".

export {};

declare global {
  interface Window {
    lens: Lens.Api;
  }
  /** The page's API, once `await lens.ready` resolves. */
  const lens: Lens.Api;

  namespace Lens {
    type Tab = 'explore' | 'neuron' | 'outputs' | 'network' | 'train';
    type FigureName = 'actmax' | 'weights' | 'grid' | 'prediction' | 'classes' | 'confusion' | 'view';
    /** Pixels for predict and setInput: values in [0, 1] (floats) or 0..255 (bytes, divided by 255). */
    type Pixels = number[] | Float32Array | Float64Array | Uint8Array | Uint8ClampedArray;

    interface ModelInfo {
      id: string;
      name: string;
      /** Layer sizes from the input to the output: [784, ..., 10] for MNIST models, [2, ..., 1] for XOR. */
      layers: number[];
      /**
       * Each layer's shape, input excluded: [C, H, W] for a convolutional layer (its C channel maps
       * of H x W before any pooling, what state().layers holds for it), [N] for a dense one.
       */
      shapes: ([number] | [number, number, number])[];
      /** Each layer's units: a dense layer's neurons, a convolutional layer's channels (what select, explain, actmax, figure and setNeuronOff count). */
      units: number[];
      /** The recorded test accuracy in [0, 1], or null. */
      accuracy: number | null;
      /** The input map [mean, std] in use: the model sees (pixel - mean) / std; null for raw pixels. */
      normalize: [number, number] | null;
      /**
       * Where that map came from: 'recorded' in the file (a .lens bundle always records one), 'given'
       * by loadBundle's options, 'measured' on the test digits because the ONNX file records none
       * ('pending' until the test digits are in; the model is shown then), 'chosen' on the page
       * (setNormalization or the Network tab), or 'none' when nothing was recorded or given and the
       * test digits could not be loaded to measure one (raw pixels).
       */
      normalizeSource: NormalizeSource;
      /** The sentence the page shows about the map ('measured', 'chosen', 'none'), else null. */
      normalizeSentence: string | null;
      /** The measurement that found the map, kept when another is chosen; null when nothing was measured. */
      normalizeMeasured: NormalizeMeasurement | null;
      /** False for a listed model whose bundle the page has not fetched yet (selectModel fetches it). */
      loaded: boolean;
      /** True for the models that ship with the page; the others (loaded or trained here) can be removed with unloadModel. */
      shipped: boolean;
    }

    type NormalizeSource = 'recorded' | 'given' | 'pending' | 'measured' | 'chosen' | 'none';

    interface NormalizeMeasurement {
      /** How many test digits (the first ones) each candidate was scored on: 1,000 (fewer only if the page has fewer). */
      digits: number;
      /** The candidate used: the most accurate, except that one must score a point more to replace an earlier one (raw, then MNIST's). */
      best: 'raw' | 'mnist' | 'symmetric';
      /** Raw pixels, MNIST's (0.1307, 0.3081) and [-1, 1] (0.5, 0.5), in that order. */
      candidates: { id: 'raw' | 'mnist' | 'symmetric'; normalize: [number, number] | null; accuracy: number }[];
      /** The measurement in one sentence, the best first. */
      sentence: string;
    }

    interface AccuracyCheck {
      recorded: number | null;
      measured: number;
      /** The recorded and measured accuracies are more than 0.5 points apart. */
      differs: boolean;
      /** The sentence the page shows, with the likely cause; null when they agree. */
      message: string | null;
    }

    interface Rect { x: number; y: number; width: number; height: number; }

    /** What a link carries beyond model, tab and neuron. */
    interface View {
      theme: 'dark' | 'light' | 'contrast';
      scale: number;
      embed: boolean;
      explainClass: number | null;
      /** Switched-off neurons as [layer, neuron]. */
      off: [number, number][];
      testDigit: number | null;
    }

    interface State {
      model: string;
      /** The network's input (784 values for MNIST, row-major 28x28): a copy. */
      input: Float32Array;
      /** Class probabilities (10 for MNIST, 1 for XOR's sigmoid): a copy. */
      probs: Float32Array;
      predicted: number;
      /** The answer with the switched-off neurons held at 0 (view.off), or null when none is off. */
      ablated: { predicted: number; probs: Float32Array } | null;
      /**
       * Each hidden layer's activations: copies. A convolutional layer's are its C x H x W channel
       * maps before pooling (models()'s shapes), channel after channel; a channel's response is
       * the mean of its H x W values.
       */
      layers: Float32Array[];
      /** Each hidden layer's dead neurons (empty until the statistics are in). */
      dead: number[][];
      tab: Tab;
      selected: { layer: number; neuron: number };
      /** The analysis' progress from 0 to 1. */
      analysis: number;
      statsReady: boolean;
      analysisDone: boolean;
      /** Where the statistics came from: the model's sidecar, measured on the test digits, or null before there are any. */
      statsSource: 'sidecar' | 'measured' | null;
      testDigits: 'absent' | 'loading' | 'loaded' | 'failed';
      /** Whether the help overlay is open. */
      help: boolean;
      /** The line under the top bar, or null when none is shown. An error (in red) stays until
       *  the reader's next click, touch or key; a success or info goes after the next one, or
       *  by itself after 6 s. */
      notice: Notice | null;
      view: View;
      /** The keyboard: whether single-character shortcuts work, and the keyboard pen (arrows move it, Space inks; x, y from 0 to 1 across the canvas). */
      keyboard: { shortcuts: boolean; pen: { shown: boolean; down: boolean; x: number; y: number } };
    }

    interface Notice {
      text: string;
      kind: 'info' | 'success' | 'error';
    }

    interface NeuronFacts {
      layer: number;
      neuron: number;
      status: 'alive' | 'dead' | 'nearly dead' | 'constant';
      activation: string;
      activeRate: number | null;
      maxActivation: number | null;
      selectivity: number | null;
      strong: number[];
      moderate: number[];
      weakest: number[];
      topImages: number[];
      pushesUp: number[];
      pushesDown: number[];
      topMostly?: { digit: number; count: number };
      importance?: number | null;
      hurt?: { digit: number; before: number; after: number };
      constantValue?: number | null;
      dead?: { bestPreactivation: number | null; bias: number | null; maximizedPreactivation: number | null };
    }

    /** A family of lone shapes drawn on the canvas and preprocessed like a drawing (docs/interpretation.md). */
    interface Concept {
      /** loop, arc-left, arc-right, cup, arch, vertical, bar, diagonal-rising, diagonal-falling, crossing (X), plus (+) */
      name: string;
      label: string;
      /** The neuron's median activation over the family's 18 drawings: what drawing it alone does. */
      drawn: number | null;
      /** 0 = the family that, drawn alone, excites the neuron most. */
      rank: number;
      /** Share of the family's 18 drawings whose activation is above the median family's (0 to 1). */
      above: number | null;
      /** Among the 3 most exciting families drawn alone, above the median family, and so are most of its drawings (above > 0.5). */
      excites: boolean;
      /** Explanation score: the correlation, over 1,000 test digits, between looking like the shape and the activation; null when no test digits were at hand. */
      score: number | null;
      /** The summary names it: excites, and score at least 0.3. */
      named: boolean;
    }

    interface Explanation {
      /** The sentence lens-report prints under the neuron's heading. */
      summary: string;
      facts: NeuronFacts;
      /** The explanation score, or null. */
      score: number | null;
      /** Every shape family, most exciting drawn alone first (empty for a silent neuron). */
      concepts: Concept[];
      /** The summary's sentence about the shapes. */
      shapes: string;
      /** The named shapes together as a prediction on the test digits (a correlation), or null when none is named. */
      shapeScore: number | null;
      /** The single surviving neuron's paragraph (mlp6-dead), with the course's sentence checked claim by claim, or null. */
      story: string | null;
    }

    interface ActmaxOptions {
      /** 'digit': search the code space of the digit prior (fetched on first use); 'none' (default): pixel space. */
      prior?: 'digit' | 'none';
      /** 1 to 16 images pushed apart by a diversity penalty; with count, actmax resolves with an array. */
      count?: number;
    }

    interface FigureOptions {
      /** Default: the selected neuron's layer. */
      layer?: number;
      /** Default: the selected neuron. */
      neuron?: number;
      /** An integer from 1 (default) to 8 (view: 1 to 4). */
      scale?: number;
      /** Default: the page's theme. */
      theme?: 'light' | 'dark';
    }

    interface ImportOptions {
      name?: string;
      /** The input normalization the model was trained with. */
      normalize?: [number, number];
      /** The recorded test accuracy in [0, 1]. */
      accuracy?: number;
    }

    interface EmbedOptions {
      /** CSS pixels, 320 to 1920 (default 700). */
      width?: number;
      /** CSS pixels, 240 to 1440 (default 500). */
      height?: number;
    }

    /** A training recipe: the JSON lens-train reads (tools/recipes/*.json keys). */
    interface Recipe {
      dataset?: 'mnist' | 'xor';
      /** A convnet's layers before the dense ones, within the page's limits (docs/training.md). */
      conv?: { channels: number; kernel: number; stride?: number; pad?: number; pool?: number }[];
      /** After "conv", "layers" starts with "auto" (their flattened maps) or that number. */
      layers?: (number | 'auto')[];
      [key: string]: unknown;
    }

    interface TrainResult { id: string; testAccuracy: number | null; epochs: number; samplesPerSecond: number; }

    interface TrainingPoint {
      epoch: number;
      loss: number | null;
      valLoss: number | null;
      valAccuracy: number | null;
      samples: number;
      computeMs: number;
    }

    interface TrainingState {
      status: 'idle' | 'waiting for data' | 'running' | 'paused' | 'done' | 'diverged';
      /** Trainings started so far; train() waits for its own run. */
      run: number;
      epoch: number;
      epochs: number;
      samples: number;
      /** How fast the training runs, in samples a second (its compute speed, not the pace). */
      samplesPerSecond: number;
      /** The pace set by trainSpeed() or the Train tab's speed control, in samples a second; null at full speed. */
      speed: number | null;
      curve: TrainingPoint[];
      /** Each hidden layer's dead units; [] for a convnet (its cards judge its channels: state().dead). */
      dead: number[][];
      /** Per layer and unit: the epoch at which it last went dead, or null. The Train tab's curves mark each death at that epoch. */
      diedAt: (number | null)[][];
      model: string | null;
      testAccuracy: number | null;
      recipe: Recipe;
      /** Why a 'diverged' run stopped ("training diverged at epoch 1, step 3: the loss became NaN; ..."), else null. */
      error: string | null;
    }

    interface Perf {
      frameMs: number;
      workMs: number;
      renderMs: number;
      strokeMs: number;
      analysisDone: boolean;
      analysisCpuS: number;
      analysisWallMs: number;
      conceptsMs: number;
      statsActmaxWallMs: number;
      /** When the statistics were measured on the test digits, ms from the analysis' start; -1 until then, or when they came with the model (a sidecar). */
      statsWallMs: number;
      /** When the explanations were written, ms from the analysis' start; -1 until then. */
      explainedWallMs: number;
      /** Per layer, when its maximization images were done, ms from the analysis' start; -1 until then. */
      layersMaximizedWallMs: number[];
      /** Fraction of the screen the last drawn frame drew again. */
      redrawn: number;
      dirty: number;
      regions: number;
      frame: number;
      prior: { loaded: boolean; error: string; layersDone: boolean[] };
    }

    /** For the project's own browser tests and benchmarks: not part of the API, may change at any time. */
    interface TestHooks {
      redrawAll(): void;
      itemRect(label: string): Rect | null;
      /** Stops the app on purpose, as a bug would: abort(), an unreachable instruction, or abort() in the next frame. */
      crash(how: 'abort' | 'trap' | 'frame'): void;
      /** The size of wasm's memory in bytes (it grows and never shrinks). */
      memoryBytes(): number;
      /** The bytes of wasm's memory malloc has handed out and not had back. */
      heapInUse(): number;
      shownText(): string[];
      /** Windows whose content overflows where no scrollbar reaches it, one line each. */
      cutOff(): string[];
      /** What the last frame declared to the accessible mirror: the nodes web/a11y.js shows. */
      a11yNodes(): Array<{ id: string; role: string; name: string; rect: [number, number, number, number]; value?: string;
                           state?: boolean; now?: number; min?: number; max?: number; step?: number; level?: number;
                           /** A control scrolled out of its panel's view: declared at the view's edge, 0 high. */
                           offscreen?: boolean }>;
      bench: {
        matvec(inputs: Float32Array, reps: number): number;
        priorLayer(layer: number): Promise<{ ms: number; images: Float32Array }>;
        actmaxLayer(layer: number, steps: number): Float32Array;
      };
    }

    interface Api {
      /** Resolves with the API once the first model is on screen with what its analysis needs; rejects if the page cannot start. */
      ready: Promise<Api>;

      // --- models ---
      /** Every model the page offers. */
      models(): ModelInfo[];
      /** The current model's id. */
      model(): string;
      /**
       * Switches model; resolves with its id once it is on screen (at once for a loaded model; a
       * listed one is fetched first). Rejects for an unknown id, when its bundle cannot be loaded,
       * or when another model is picked before it arrives; then nothing changed.
       */
      selectModel(id: string): Promise<string>;
      /** The recorded test accuracy against the measured one, once the analysis has measured it; else null. */
      accuracyCheck(): AccuracyCheck | null;
      /**
       * Adds a model (a .lens bundle or an ONNX model, told apart by their bytes), selects it and
       * returns its id (made unique: mlp6 -> mlp6-2). An ONNX model that records no normalization and
       * is given none is shown once its normalization is measured on the test digits (at once when
       * they are in; `await selectModel(id)` waits for it). The same bytes with the same options again
       * select the model already added. Throws with the reader's message for a malformed file or a
       * graph the page cannot show, for a file over the size limits (.lens 65 MB, ONNX 256 MB;
       * checked before it is copied) and for a model the page cannot hold beside the others.
       */
      loadBundle(bytes: ArrayBuffer | Uint8Array, options?: ImportOptions): string;
      /**
       * Another input normalization for the current model, which must be one loaded into the page:
       * it then sees (pixel - mean) / std, (0, 1) being raw pixels, and everything computed from it
       * (the prediction, statistics, images, explanations, report, .lens download) is computed again.
       * Returns whether the map changed. Throws, changing nothing, for a mean outside [-1e4, 1e4], a std
       * outside [1e-4, 1e4], a shipped or trained model, or a model still being measured.
       */
      setNormalization(mean: number, std: number): boolean;
      /**
       * Removes a model loaded or trained in the page and frees its memory; resolves with the id of
       * the model shown afterwards (a shipped one when the removed model was shown). Rejects for an
       * unknown id, a model that ships with the page, or one being trained.
       */
      unloadModel(id: string): Promise<string>;
      /** The current model as .lens bytes (what Download saves). */
      modelBundle(): Uint8Array;

      // --- the input ---
      /** The input itself: the model's input count of values in [0, 1] (784 for MNIST, already preprocessed), or bytes 0..255. */
      setInput(pixels: Pixels): void;
      /** A stroke of [x, y] points in [0, 1] canvas coordinates, through the same brush and preprocessing as a pointer stroke. */
      drawStroke(points: [number, number][]): void;
      /** A blank input. */
      clear(): void;
      /** Class probabilities for one input, without changing anything on the page. */
      predict(pixels: Pixels): Float32Array;
      /** The same for n inputs one after another: n x outputs probabilities, sample after sample. */
      predictBatch(values: Float32Array | Uint8Array): Float32Array;

      // --- what the page shows ---
      state(): State;
      /** Opens a hidden neuron. */
      select(layer: number, neuron: number): void;
      setTab(name: Tab): void;
      /** Switches a hidden neuron off (held at 0) or back on. */
      setNeuronOff(layer: number, neuron: number, off: boolean): void;
      /** The class "How the answer was made" explains; null: the predicted one. */
      setExplainClass(k: number | null): void;
      /** Single-character keys on or off (WCAG 2.1.4); the arrows, Space, Esc, Backspace and Delete keep working. */
      setShortcuts(on: boolean): void;
      /** The input surface in CSS pixels relative to the viewport (for real pointer events): the drawing canvas, or the square of the plane when the model is a model of the plane (xor). */
      canvasRect(): Rect;
      /** The address of the view on screen. */
      link(): string;
      /** An <iframe> snippet of the view on screen in embed mode. */
      embedCode(options?: EmbedOptions): string;

      // --- neurons ---
      /** The maximization image of a neuron (784 values in [0, 1]); the output layer is the last. */
      actmax(layer: number, neuron: number, options?: { prior?: 'digit' | 'none' }): Promise<Float32Array>;
      /** With count: that many images pushed apart. */
      actmax(layer: number, neuron: number, options: ActmaxOptions & { count: number }): Promise<Float32Array[]>;
      actmax(layer: number, neuron: number, options?: ActmaxOptions): Promise<Float32Array | Float32Array[]>;
      /** What the page says about a hidden neuron, once the analysis has finished. */
      explain(layer: number, neuron: number): Promise<Explanation>;

      // --- export ---
      /** A figure as PNG bytes, once the analysis has made what it shows. */
      figure(name: FigureName, options?: FigureOptions): Promise<Uint8Array>;
      /** The Markdown lens-report writes for the current model, once its analysis has finished. */
      report(): Promise<string>;

      // --- training ---
      /**
       * Trains a network in the page; resolves when this training ends, with the new model
       * selected. Rejects for a recipe outside the page's limits, when the training images cannot
       * be loaded, or when another training starts first. A paused training waits; stopTraining()
       * ends it and it resolves.
       */
      train(recipe: Recipe): Promise<TrainResult>;
      trainingState(): TrainingState;
      /**
       * Sets the speed of training, for the run under way and the next: 'lesson' (300 samples a
       * second), 'full' (as fast as the frame budget allows) or samples a second, 10 to 1,000,000.
       * Returns the pace set, null for full speed. Throws for anything else.
       */
      trainSpeed(speed: number | 'lesson' | 'full'): number | null;
      /** The Train tab's presets by name, as recipes train() takes. */
      trainPresets(): { healthy: Recipe; kill: Recipe; convnet: Recipe };
      /** Ends training now: the model keeps its weights and is measured on the test set. */
      stopTraining(): void;
      pauseTraining(): void;
      resumeTraining(): void;
      /** One mini-batch, then paused. */
      stepTraining(): void;

      /** Timings for benchmarks. */
      perf(): Perf;

      /** Not part of the API: hooks for the project's own tests and benchmarks. */
      _test: TestHooks;
    }
  }
}
