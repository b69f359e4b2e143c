import {
  IntentId,
  MAX_TEXT_LENGTH,
  NluExample,
  NluIntent,
  NluModelInfo,
  NluResult,
  NluSettings,
} from '@kefu/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services.ts';
import { principalOf } from '../auth.ts';
import { errorResponses, IdParams } from '../schemas.ts';

const IntentParams = z.object({ intent: IntentId });
const Utterance = z.string().trim().min(1, 'must not be empty').max(500);
const manage = { auth: { permission: 'nlu.manage' as const } };

/** The shop's NLU: try it, teach it (intents, examples, vocabulary), train and roll back models. */
export function nluRoutes(fastify: FastifyInstance, services: Services): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['nlu'];
  const security = [{ bearer: [] }];

  app.post(
    '/api/v1/nlu/predict',
    {
      config: { auth: { permission: 'nlu.predict' } },
      schema: {
        tags,
        summary: "What the shop's model understands of a message: intent, entities, emotion",
        security,
        body: z.object({ text: z.string().max(MAX_TEXT_LENGTH) }),
        response: { 200: NluResult, ...errorResponses },
      },
    },
    async (req) => services.nlu.analyse(req.tenantId, req.body.text),
  );

  app.get(
    '/api/v1/nlu/intents',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Built-in and shop intents with their example counts',
        security,
        response: { 200: z.object({ items: z.array(NluIntent) }) },
      },
    },
    async (req) => ({ items: await services.nlu.intents(req.tenantId) }),
  );

  app.post(
    '/api/v1/nlu/intents',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Create a shop intent (add at least 5 examples before training)',
        security,
        body: z.object({
          intent: IntentId,
          name: z.string().trim().min(1).max(100),
          description: z.string().trim().max(1000).default(''),
        }),
        response: { 201: NluIntent, ...errorResponses },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await services.nlu.createIntent(req.tenantId, principalOf(req), req.body)),
  );

  app.get(
    '/api/v1/nlu/intents/:intent/examples',
    {
      config: manage,
      schema: {
        tags,
        summary: "The shop's own examples of an intent (built-in ones live in the repository's data files)",
        security,
        params: IntentParams,
        response: { 200: z.object({ items: z.array(NluExample) }), ...errorResponses },
      },
    },
    async (req) => ({ items: await services.nlu.examples(req.tenantId, req.params.intent) }),
  );

  app.post(
    '/api/v1/nlu/intents/:intent/examples',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Add examples to an intent; all or none (an utterance already used anywhere is refused)',
        security,
        params: IntentParams,
        body: z.object({ texts: z.array(Utterance).min(1).max(1000) }),
        response: { 201: z.object({ items: z.array(NluExample) }), ...errorResponses },
      },
    },
    async (req, reply) =>
      reply.status(201).send({
        items: await services.nlu.addExamples(
          req.tenantId,
          principalOf(req),
          req.params.intent,
          req.body.texts,
        ),
      }),
  );

  app.delete(
    '/api/v1/nlu/examples/:id',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Delete a shop example',
        security,
        params: IdParams,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      await services.nlu.deleteExample(req.tenantId, principalOf(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/nlu/vocabulary',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Shop words kept whole by the tokeniser (products, brands, slang)',
        security,
        response: { 200: z.object({ words: z.array(z.string()) }) },
      },
    },
    async (req) => ({ words: await services.nlu.vocabulary(req.tenantId) }),
  );

  app.put(
    '/api/v1/nlu/vocabulary',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Replace the shop vocabulary (used by the next trained model)',
        security,
        body: z.object({ words: z.array(z.string().trim().min(1).max(50)).max(20000) }),
        response: { 200: z.object({ words: z.array(z.string()) }), ...errorResponses },
      },
    },
    async (req) => ({
      words: await services.nlu.setVocabulary(req.tenantId, principalOf(req), req.body.words),
    }),
  );

  app.get(
    '/api/v1/nlu/settings',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Out-of-scope threshold and the active model',
        security,
        response: { 200: NluSettings },
      },
    },
    async (req) => services.nlu.settings(req.tenantId),
  );

  app.patch(
    '/api/v1/nlu/settings',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Tune the out-of-scope threshold (0–1; takes effect on the next message)',
        security,
        body: z.object({ threshold: z.number().min(0).max(1) }),
        response: { 200: NluSettings, ...errorResponses },
      },
    },
    async (req) => services.nlu.setThreshold(req.tenantId, principalOf(req), req.body.threshold),
  );

  app.get(
    '/api/v1/nlu/models',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Trained model versions, newest first',
        security,
        response: { 200: z.object({ items: z.array(NluModelInfo) }) },
      },
    },
    async (req) => ({ items: await services.nlu.models(req.tenantId) }),
  );

  app.post(
    '/api/v1/nlu/models',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Train a new model version from built-in plus shop data and make it active',
        description:
          'Takes a few seconds; the current model keeps answering until the new one is stored, then every node switches to it.',
        security,
        response: { 201: NluModelInfo, ...errorResponses },
      },
    },
    async (req, reply) => reply.status(201).send(await services.nlu.train(req.tenantId, principalOf(req))),
  );

  app.post(
    '/api/v1/nlu/models/:id/activate',
    {
      config: manage,
      schema: {
        tags,
        summary:
          'Serve this model version (roll back or forward); id "builtin" returns to the built-in model',
        security,
        params: IdParams,
        response: { 200: NluSettings, ...errorResponses },
      },
    },
    async (req) =>
      services.nlu.activate(
        req.tenantId,
        principalOf(req),
        req.params.id === 'builtin' ? null : req.params.id,
      ),
  );
}
