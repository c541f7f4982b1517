// The typed reference of embed.js: the script a host page loads to drive MNIST Lens in an
// iframe, on any origin, through postMessage. docs/embedding.md describes the protocol; the
// methods and their results are window.lens's own (lens.d.ts, docs/api.md).
/// <reference path="lens.d.ts" />

export {};

declare global {
  interface Window {
    MnistLens: MnistLens.Connector;
  }
  const MnistLens: MnistLens.Connector;

  namespace MnistLens {
    interface ConnectOptions {
      /** Milliseconds for the page to answer and be ready (default 30000). */
      timeout?: number;
    }

    /** After every change of the input or of what the network answers (drawing, clear, setInput, a test digit, a model switch, a neuron switched off or on). */
    interface Prediction {
      /** The whole network's answer, as lens.state() gives it. */
      predicted: number;
      /** Class probabilities (10 for MNIST, 1 for xor's sigmoid). */
      probs: Float32Array;
      /** The input is empty (nothing drawn). */
      blank: boolean;
      /** The answer with the switched-off neurons held at 0, or null when none is off (lens.state().ablated). */
      ablated: { predicted: number; probs: Float32Array } | null;
    }

    /** Whenever the link, the model, the tab or the selected neuron changes. */
    interface View {
      /** The address of the view on screen (lens.link()). */
      link: string;
      model: string;
      tab: Lens.Tab;
      layer: number;
      neuron: number;
    }

    interface Events {
      prediction: Prediction;
      view: View;
      /** lens.trainingState(): at most 4 times a second while a training runs, and once when its status changes (paused, done, diverged). */
      training: Lens.TrainingState;
    }
    type EventName = keyof Events;

    /** The methods of window.lens a host may call: every public function (not _test, not ready). */
    type Method = Exclude<{ [K in keyof Lens.Api]: Lens.Api[K] extends (...args: any[]) => any ? K : never }[keyof Lens.Api], '_test' | 'ready'>;
    type Args<M extends Method> = Parameters<Lens.Api[M]>;
    type Result<M extends Method> = Awaited<ReturnType<Lens.Api[M]>>;

    interface Remote {
      /** The page's origin: every message goes only there, and only its answers are read. */
      readonly origin: string;
      /** The methods the page offers (sent with its 'ready'). */
      readonly methods: string[];
      /**
       * Calls window.lens[method](...args) in the page. Arguments and the result travel by structured
       * clone (typed arrays stay typed arrays); a Promise the method returns is awaited. Rejects with
       * an Error carrying the page's own message ("lens.select: ...", or "lens embed: ..." for a
       * method that cannot be called or a malformed call).
       */
      call<M extends Method>(method: M, ...args: Args<M>): Promise<Result<M>>;
      /** Calls fn with each such event, starting with the current value; returns a function that stops it. */
      on<E extends EventName>(event: E, fn: (data: Events[E]) => void): () => void;
      off<E extends EventName>(event: E, fn: (data: Events[E]) => void): void;
      /** Stops every listener; calls under way reject and later ones are refused. */
      close(): void;
    }

    interface Connector {
      /**
       * Resolves once the page in the iframe has answered and its lens.ready has resolved. Rejects
       * when it does not answer or is not ready within options.timeout, or when the page cannot
       * start (with the page's message).
       */
      connect(iframe: HTMLIFrameElement, options?: ConnectOptions): Promise<Remote>;
      /** The protocol version this script speaks. */
      readonly version: number;
    }
  }
}
