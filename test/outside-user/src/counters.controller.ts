import { Body, Controller, Get, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { InjectRepository } from '@nestjs/typeorm';
import { IsInt, IsOptional } from 'class-validator';
import { PositionParam, Subscriptions } from 'nest-event-sourcing';
import type { Repository } from 'typeorm';
import { COUNTERS_PROJECTION } from './counters.projection';
import { CounterView } from './counter-view.entity';
import { IncrementCounter, type CounterResult } from './increment-counter.command';

class IncrementDto {
  @IsInt()
  by!: number;
}

class ReadQuery {
  @IsOptional()
  @PositionParam()
  minPosition?: bigint;
}

@Controller('counters')
export class CountersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly subscriptions: Subscriptions,
    @InjectRepository(CounterView) private readonly views: Repository<CounterView>,
  ) {}

  @Post(':id/increments')
  increment(@Param('id') id: string, @Body() { by }: IncrementDto): Promise<CounterResult> {
    return this.commands.execute(new IncrementCounter(id, by));
  }

  @Get(':id')
  async read(@Param('id') id: string, @Query() { minPosition }: ReadQuery): Promise<CounterView> {
    if (minPosition) await this.subscriptions.waitFor(COUNTERS_PROJECTION, minPosition, { timeoutMs: 5_000 });
    const view = await this.views.findOneBy({ id });
    if (!view) throw new NotFoundException(`No counter ${id}.`);
    return view;
  }
}
